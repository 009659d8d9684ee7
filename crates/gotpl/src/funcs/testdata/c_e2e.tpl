a: {{ semverCompare ">=1.21-0" .Values.ver }} {{ semverCompare "^1.2.3 || ~0.5" "0.5.9" }}
b: {{ (semver "1.2.3-rc.1+m").Major }} {{ (semver "v1.2").Original }} {{ semver "1.2" }} {{ (semver "1.2.3-rc.1+m").Prerelease }}
c: {{ (semver "1.2.3").LessThan (semver "1.3.0") }} {{ (semver "2.0.0").Compare (semver "1.3.0") }}
d: {{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }} {{ regexFindAll "a." "abacad" 2 }} {{ regexSplit "z+" "pizza" -1 | toJson }}
e: {{ regexMatch "^[a-z]+$" "abc" }} {{ regexFind "[0-9]+" "ab123cd45" }} {{ regexQuoteMeta "1.2+[x]" }} {{ "abc" | regexReplaceAllLiteral "b" "$1" }}
f: {{ "hello" | b64enc }} {{ "aGVsbG8=" | b64dec }} {{ "!" | b64dec }} {{ "hi" | b32enc }} {{ "NBUQ====" | b32dec }}
g: {{ "hello" | sha256sum }} {{ "hello" | sha1sum }} {{ adler32sum "hello" }}
h: {{ base "a/b/c.txt" }} {{ dir "/a/b/" }} {{ ext "x.tar.gz" }} {{ clean "a//b/../c" }} {{ isAbs "/x" }} {{ osBase "/a/b" }}
i: {{ urlParse "https://u:p@h:8/p?q=1#f" | toJson }} {{ urlJoin (dict "scheme" "http" "host" "h" "path" "x y") }}
j: {{ toDate "2006-01-02" "2024-03-05" }} {{ toDate "2006-01-02" "2024-03-05" | date "Jan 2, 2006" }} {{ toDate "2006-01-02" "2024-03-05" | unixEpoch }}
k: {{ date "2006-01-02" 1709618828 }} {{ duration "95" }} {{ durationRound "2h10m" }} {{ (toDate "2006-01-02" "2024-03-05").Year }}
l: {{ toDate "2006-01-02" "2024-03-05" | toJson }} {{ dateModify "-1h" (toDate "2006-01-02" "2024-03-05") }} {{ htmlDateInZone (toDate "2006-01-02" "2024-03-05") "UTC" }}
m: {{ derivePassword 1 "long" "password" "user" "example.com" }} {{ decryptAES "key" "424jGzTBijlreV4iFCwW5kgHTfVNZDwbS/hsc+VQxls=" }}
n: [{{ getHostByName "localhost" }}] {{ typeOf (semver "1.0.0") }} {{ typeOf (toDate "2006" "2024") }} {{ typeOf (genCA "x" 1) }} {{ len uuidv4 }}
o: {{ $ca := genCA "x" 1 }}{{ $c := genSignedCert "y" (list "1.2.3.4") (list "a.b") (int .Values.days) $ca }}{{ len (splitList "\n" $c.Key) }} {{ typeOf $c.Cert }}
p: {{ (semver "1.2.3") }} {{ semver "1.2.3" | toJson }} {{ toDate "2006-01-02T15:04:05Z07:00" "2024-03-05T10:11:12+02:00" }}
