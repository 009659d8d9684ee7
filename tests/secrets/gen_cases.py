#!/usr/bin/env python3
"""Generates chartgate's labelled secret-detection set (tests/secrets/cases + labels.tsv).

Every token here is FAKE: random characters in the provider's documented shape (with a valid
checksum where the format has one). Nothing is a real or leaked credential.
Run: python3 tests/secrets/gen_cases.py   (deterministic: fixed seed)
"""
import base64, json, os, random, string, zlib, shutil

rng = random.Random(20261124)
HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, 'cases')
LOW, UP, DIG = string.ascii_lowercase, string.ascii_uppercase, string.digits
ALNUM = LOW + UP + DIG
HEXC = '0123456789abcdef'

def r(n, chars=ALNUM): return ''.join(rng.choice(chars) for _ in range(n))
def hx(n): return r(n, HEXC)
def uuid(): return f'{hx(8)}-{hx(4)}-4{hx(3)}-{rng.choice("89ab")}{hx(3)}-{hx(12)}'
def b64(s): return base64.b64encode(s.encode()).decode()
B62 = DIG + UP + LOW
def base62(n, width):
    out = ''
    while n: n, d = divmod(n, 62); out = B62[d] + out
    return out.rjust(width, '0')
def gh(prefix):
    body = r(30)
    return prefix + body + base62(zlib.crc32(body.encode()) & 0xffffffff, 6)
def pem(kind='RSA PRIVATE KEY', lines=12):
    body = '\n'.join(r(64, ALNUM + '+/') for _ in range(lines)) + '\n' + r(20, ALNUM + '+/') + '=='
    return f'-----BEGIN {kind}-----\n{body}\n-----END {kind}-----'
def jwt(payload=None):
    h = base64.urlsafe_b64encode(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()).decode().rstrip('=')
    p = base64.urlsafe_b64encode(json.dumps(payload or {"sub": r(8), "iat": 1700000000 + rng.randint(0, 10**6), "role": "admin"}).encode()).decode().rstrip('=')
    return f'{h}.{p}.{r(43, ALNUM + "-_")}'
def pw(n=16): return r(n, ALNUM + '!#%&*+-.=?@^_')

TOKENS = {
 'aws-access-key-id': lambda: 'AKIA' + r(16, UP + '234567'),
 'gcp-api-key': lambda: 'AIza' + r(35, ALNUM + '-_'),
 'google-oauth-client-secret': lambda: 'GOCSPX-' + r(28, ALNUM + '-_'),
 'google-oauth-access-token': lambda: 'ya29.a0' + r(120, ALNUM + '-_'),
 'azure-ad-client-secret': lambda: r(3) + rng.choice(DIG) + 'Q~' + r(34, ALNUM + '_~.-'),
 'azure-storage-account-key': lambda: 'DefaultEndpointsProtocol=https;AccountName=' + r(10, LOW) + ';AccountKey=' + r(86, ALNUM + '+/') + '==;EndpointSuffix=core.windows.net',
 'github-pat': lambda: gh('ghp_'),
 'github-oauth-token': lambda: gh('gho_'),
 'github-app-token': lambda: gh('ghs_'),
 'github-fine-grained-pat': lambda: 'github_pat_11' + r(20, UP + DIG) + '_' + r(59),
 'gitlab-pat': lambda: 'glpat-' + r(20, ALNUM + '-_'),
 'gitlab-runner-auth-token': lambda: 'glrt-' + r(20, ALNUM + '-_'),
 'gitlab-pipeline-trigger-token': lambda: 'glptt-' + hx(40),
 'gitlab-deploy-token': lambda: 'gldt-' + r(20, ALNUM + '-_'),
 'bitbucket-app-password': lambda: 'ATBB' + r(32),
 'atlassian-api-token': lambda: 'ATATT3xFfGF0' + r(180, ALNUM + '-_') + '=' + hx(8).upper(),
 'slack-bot-token': lambda: f'xoxb-{rng.randint(10**10, 10**11)}-{rng.randint(10**12, 10**13)}-{r(24)}',
 'slack-user-token': lambda: f'xoxp-{rng.randint(10**10, 10**11)}-{rng.randint(10**10, 10**11)}-{rng.randint(10**12, 10**13)}-{hx(32)}',
 'slack-app-token': lambda: f'xapp-1-A{r(10, UP + DIG)}-{rng.randint(10**12, 10**13)}-{hx(64)}',
 'slack-webhook-url': lambda: f'https://hooks.slack.com/services/T{r(8, UP + DIG)}/B{r(10, UP + DIG)}/{r(24)}',
 'discord-webhook-url': lambda: f'https://discord.com/api/webhooks/{rng.randint(10**17, 10**18)}/{r(68, ALNUM + "-_")}',
 'msteams-webhook-url': lambda: f'https://contoso.webhook.office.com/webhookb2/{uuid()}@{uuid()}/IncomingWebhook/{hx(32)}/{uuid()}',
 'telegram-bot-token': lambda: f'{rng.randint(10**8, 10**9)}:AA{r(33, ALNUM + "-_")}',
 'stripe-secret-key': lambda: 'sk_live_' + r(99),
 'stripe-webhook-secret': lambda: 'whsec_' + r(32),
 'square-access-token': lambda: 'EAAA' + r(60, ALNUM + '-_'),
 'shopify-access-token': lambda: 'shpat_' + hx(32),
 'sendgrid-api-key': lambda: 'SG.' + r(22, ALNUM + '-_') + '.' + r(43, ALNUM + '-_'),
 'mailgun-private-key': lambda: 'key-' + hx(32),
 'mailchimp-api-key': lambda: hx(32) + '-us' + str(rng.randint(1, 21)),
 'twilio-api-key': lambda: 'SK' + hx(32),
 'npm-token': lambda: 'npm_' + r(36),
 'pypi-token': lambda: 'pypi-AgEIcHlwaS5vcmc' + r(70, ALNUM + '-_'),
 'rubygems-api-key': lambda: 'rubygems_' + hx(48),
 'dockerhub-token': lambda: 'dckr_pat_' + r(27, ALNUM + '-_'),
 'jfrog-api-key': lambda: 'AKCp' + r(69),
 'vault-service-token': lambda: 'hvs.' + r(24),
 'terraform-cloud-token': lambda: r(14) + '.atlasv1.' + r(67, ALNUM + '-_='),
 'doppler-token': lambda: 'dp.st.' + r(40),
 'pulumi-access-token': lambda: 'pul-' + hx(40),
 'digitalocean-token': lambda: 'dop_v1_' + hx(64),
 'databricks-token': lambda: 'dapi' + hx(32),
 'newrelic-user-api-key': lambda: 'NRAK-' + r(27, UP + DIG),
 'sentry-user-token': lambda: 'sntryu_' + hx(64),
 'grafana-service-account-token': lambda: 'glsa_' + r(32) + '_' + hx(8),
 'grafana-cloud-token': lambda: 'glc_' + b64(json.dumps({"o": str(rng.randint(10**5, 10**6)), "n": "stack-" + r(6, LOW), "k": r(24)})).rstrip('='),
 'dynatrace-token': lambda: 'dt0c01.' + r(24, UP + DIG) + '.' + r(64, UP + DIG),
 'postman-api-key': lambda: 'PMAK-' + hx(24) + '-' + hx(34),
 'linear-api-key': lambda: 'lin_api_' + r(40),
 'openai-api-key': lambda: 'sk-proj-' + r(74, ALNUM + '-_') + 'T3BlbkFJ' + r(74, ALNUM + '-_'),
 'anthropic-api-key': lambda: 'sk-ant-api03-' + r(93, ALNUM + '-_') + 'AA',
 'huggingface-token': lambda: 'hf_' + r(34, LOW + UP),
 'replicate-token': lambda: 'r8_' + r(37),
 'groq-api-key': lambda: 'gsk_' + r(52),
 'age-secret-key': lambda: 'AGE-SECRET-KEY-1' + r(58, 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L'),
 'tailscale-key': lambda: 'tskey-auth-k' + r(10) + 'CNTRL-' + r(32),
 'sonarqube-token': lambda: 'squ_' + hx(40),
 'figma-token': lambda: 'figd_' + r(40, ALNUM + '-_'),
 'airtable-pat': lambda: 'pat' + r(14) + '.' + hx(64),
 'hubspot-private-app-token': lambda: 'pat-na1-' + uuid(),
 'shopify-shared-secret': lambda: 'shpss_' + hx(32),
 'easypost-api-key': lambda: 'EZAK' + r(54, LOW + DIG),
 'brevo-api-key': lambda: 'xkeysib-' + hx(64) + '-' + r(16),
 'flutterwave-secret-key': lambda: 'FLWSECK-' + r(32, 'abcdefgh0123456789') + '-X',
 'planetscale-token': lambda: 'pscale_tkn_' + r(43, ALNUM + '_'),
 'supabase-access-token': lambda: 'sbp_' + hx(40),
 'sourcegraph-token': lambda: 'sgp_' + hx(16) + '_' + hx(40),
 'buildkite-token': lambda: 'bkua_' + hx(40),
 'launchdarkly-key': lambda: 'sdk-' + uuid(),
 'prefect-api-key': lambda: 'pnu_' + r(36),
 'pinecone-api-key': lambda: 'pcsk_' + r(6) + '_' + r(64),
 'langsmith-api-key': lambda: 'lsv2_pt_' + hx(32) + '_' + hx(10),
 'mapbox-secret-token': lambda: 'sk.eyJ1Ijoi' + r(40, ALNUM) + '.' + r(22, ALNUM + '-_'),
 'alibaba-access-key-id': lambda: 'LTAI' + r(20),
 'tencent-secret-id': lambda: 'AKID' + r(32),
 'yandex-api-key': lambda: 'AQVN' + r(36, ALNUM + '-_'),
 'heroku-api-key-v2': lambda: 'HRKU-' + r(60, ALNUM + '-_'),
 'render-api-key': lambda: 'rnd_' + r(32),
 'clojars-token': lambda: 'CLOJARS_' + r(60, LOW + DIG),
 'nuget-api-key': lambda: 'oy2' + r(43, LOW + DIG),
 'infracost-api-token': lambda: 'ico-' + r(32),
 'readme-api-key': lambda: 'rdme_' + r(70, LOW + DIG),
 'adafruit-io-key': lambda: 'aio_' + r(28),
 'circleci-token': lambda: 'CCIPAT_' + r(22) + '_' + hx(40),
 'harness-token': lambda: 'pat.' + r(22) + '.' + hx(24) + '.' + r(20),
 'perplexity-api-key': lambda: 'pplx-' + r(48),
 'xai-api-key': lambda: 'xai-' + r(80),
 'openrouter-api-key': lambda: 'sk-or-v1-' + hx(64),
 'notion-token': lambda: 'ntn_' + r(11, DIG) + r(35),
 'posthog-personal-api-key': lambda: 'phx_' + r(43),
 'duffel-token': lambda: 'duffel_live_' + r(43, ALNUM + '-_'),
 'shippo-token': lambda: 'shippo_live_' + hx(40),
 'onepassword-secret-key': lambda: f'A3-{r(6, UP+DIG)}-{r(6, UP+DIG)}-{r(5, UP+DIG)}-{r(5, UP+DIG)}-{r(5, UP+DIG)}-{r(5, UP+DIG)}',
}

# Contexts a token can appear in. Each returns (filename, text).
def ctx_values(key, tok): return 'values.yaml', f'replicaCount: 1\nimage:\n  repository: ghcr.io/acme/app\n  tag: "1.2.3"\nintegration:\n  enabled: true\n  {key}: "{tok}"\n'
def ctx_env(key, tok): return 'templates/deployment.yaml', f'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: "{{{{ .Values.image.repository }}}}:{{{{ .Values.image.tag }}}}"\n          env:\n            - name: {key.upper()}\n              value: {tok}\n'
def ctx_configmap(key, tok): return 'templates/configmap.yaml', f'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{{{ include "app.fullname" . }}}}\ndata:\n  app.properties: |\n    server.port=8080\n    {key}={tok}\n'
def ctx_secret_data(key, tok): return 'templates/secret.yaml', f'apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-creds\ntype: Opaque\ndata:\n  {key}: {b64(tok)}\n'
def ctx_string_data(key, tok): return 'templates/secret.yaml', f'apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-creds\nstringData:\n  {key}: "{tok}"\n'
def ctx_args(key, tok): return 'templates/job.yaml', f'apiVersion: batch/v1\nkind: Job\nspec:\n  template:\n    spec:\n      containers:\n        - name: sync\n          args: ["--{key.replace("_", "-")}={tok}", "--verbose"]\n'
def ctx_annotation(key, tok): return 'templates/ingress.yaml', f'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  annotations:\n    example.com/{key}: "{tok}"\n'
def ctx_json(key, tok): return 'files/config.json', json.dumps({"service": {"name": "app", key: tok, "timeout": 30}}, indent=2) + '\n'
def ctx_dotenv(key, tok): return 'files/app.env', f'APP_ENV=production\n{key.upper()}={tok}\nLOG_LEVEL=info\n'
def ctx_rendered(key, tok): return 'rendered/manifest.yaml', f'---\n# Source: app/templates/secret.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: release-app\ndata:\n  {key}: "{b64(tok)}"\n---\n# Source: app/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: release-app\n'
CTXS = [ctx_values, ctx_env, ctx_configmap, ctx_secret_data, ctx_string_data, ctx_args, ctx_annotation, ctx_json, ctx_dotenv, ctx_rendered]

KEYS = ['token', 'api_key', 'apiKey', 'secret', 'credential', 'auth_token', 'access_key', 'client_secret']

cases = []  # (name, text, label, expected)
def case(name, text, label, expected='-'):
    cases.append((name, text, label, expected))

# --- true secrets: every provider, in rotating contexts ---
for i, (rid, gen) in enumerate(sorted(TOKENS.items())):
    ctx = CTXS[i % len(CTXS)]
    key = KEYS[i % len(KEYS)]
    fname, text = ctx(key, gen())
    base, ext = os.path.splitext(os.path.basename(fname))
    case(f'tp-{rid}{ext}', text, 'leak', rid)
# a second context for a subset
for i, rid in enumerate(sorted(TOKENS)[::3]):
    ctx = CTXS[(i + 5) % len(CTXS)]
    fname, text = ctx(rng.choice(KEYS), TOKENS[rid]())
    case(f'tp2-{rid}{os.path.splitext(fname)[1]}', text, 'leak', rid)

# --- keys, certificates, JWTs, URLs, Kubernetes-shaped leaks ---
case('tp-private-key-values.yaml', 'tls:\n  enabled: true\n  key: |\n' + '\n'.join('    ' + l for l in pem().split('\n')) + '\n', 'leak', 'private-key')
case('tp-private-key-ec.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ntype: kubernetes.io/tls\nstringData:\n  tls.key: |\n' + '\n'.join('    ' + l for l in pem('EC PRIVATE KEY', 4).split('\n')) + '\n', 'leak', 'private-key')
case('tp-private-key-tls-data.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ' + b64('-----BEGIN CERTIFICATE-----\n' + r(64) + '\n-----END CERTIFICATE-----\n') + '\n  tls.key: ' + b64(pem('PRIVATE KEY', 8)) + '\n', 'leak', 'private-key')
case('tp-openssh-key.yaml', 'gitSync:\n  sshKey: |\n' + '\n'.join('    ' + l for l in pem('OPENSSH PRIVATE KEY', 6).split('\n')) + '\n', 'leak', 'private-key')
case('tp-private-key-json.json', json.dumps({"type": "service_account", "project_id": "acme-prod", "private_key_id": hx(40), "private_key": pem('PRIVATE KEY', 10) + '\n', "client_email": "ci@acme-prod.iam.gserviceaccount.com"}, indent=2), 'leak', 'private-key')
case('tp-pgp-private.yaml', 'gpg:\n  key: |\n' + '\n'.join('    ' + l for l in pem('PGP PRIVATE KEY BLOCK', 8).split('\n')) + '\n', 'leak', 'private-key')
case('tp-jwt-values.yaml', f'auth:\n  serviceToken: {jwt()}\n', 'leak', 'jwt')
case('tp-jwt-bearer.yaml', f'headers:\n  Authorization: "Bearer {jwt()}"\n', 'leak', 'jwt')
case('tp-jwt-env.yaml', f'env:\n  - name: SUPABASE_SERVICE_ROLE\n    value: "{jwt({"iss": "supabase", "role": "service_role", "exp": 1999999999})}"\n', 'leak', 'jwt')
for i, scheme in enumerate(['postgres', 'postgresql', 'mysql', 'mongodb+srv', 'redis', 'amqp', 'mssql', 'jdbc:postgresql']):
    user = rng.choice(['app', 'admin', 'svc_orders', 'root'])
    host = rng.choice(['db.internal', 'cluster0.ab1cd.mongodb.net', 'pg-primary:5432', '10.0.3.17:6379'])
    case(f'tp-db-url-{i}.yaml', f'database:\n  url: "{scheme}://{user}:{pw(rng.randint(10, 20)).replace("@", "x").replace("/", "y")}@{host}/orders?sslmode=require"\n', 'leak', 'database-url-password')
case('tp-db-url-env.yaml', f'extraEnv:\n  - name: DATABASE_URL\n    value: postgres://orders:{r(18)}@orders-db.prod.svc:5432/orders\n', 'leak', 'database-url-password')
for i, scheme in enumerate(['https', 'http', 'ftp', 'git']):
    case(f'tp-basic-auth-url-{i}.yaml', f'repository:\n  url: {scheme}://deploy:{r(14)}@git.acme.io/charts/repo.git\n', 'leak', 'url-basic-auth')
case('tp-basic-auth-prometheus.yaml', f'remoteWrite:\n  - url: https://metrics:{r(20)}@prom.example-metrics.net/api/v1/write\n', 'leak', 'url-basic-auth')
def dockercfg(user, password, reg='registry.acme.io'):
    return json.dumps({"auths": {reg: {"username": user, "password": password, "auth": b64(f"{user}:{password}")}}})
def dockercfg_auth_only(user, password, reg='ghcr.io'):
    return json.dumps({"auths": {reg: {"auth": b64(f"{user}:{password}")}}})
case('tp-dockerconfigjson-data.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ' + b64(dockercfg_auth_only('robot', r(20))) + '\n', 'leak', 'docker-config-auth')
case('tp-dockerconfigjson-full.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ' + b64(dockercfg('ci-bot', pw(18))) + '\n', 'leak', 'docker-config-auth')
case('tp-dockerconfigjson-stringdata.yaml', "apiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '" + dockercfg_auth_only('deployer', r(24), 'quay.io') + "'\n", 'leak', 'docker-config-auth')
case('tp-imagecredentials-values.yaml', f'imageCredentials:\n  registry: quay.io\n  username: acme+robot\n  password: {r(32, UP + DIG)}\n', 'leak', 'generic-password')
# generic assignments with entropy
for i, key in enumerate(['password', 'adminPassword', 'rootPassword', 'db_password', 'POSTGRES_PASSWORD', 'redisPassword', 'smtpPassword', 'ldap_bind_password']):
    case(f'tp-generic-password-{i}.yaml', f'auth:\n  enabled: true\n  {key}: "{pw(rng.randint(14, 24))}"\n', 'leak', 'generic-password')
for i, key in enumerate(['apiKey', 'api_key', 'secretKey', 'clientSecret', 'accessToken', 'authToken', 'webhookSecret', 'encryptionKey', 'signingKey', 'jwtSecret']):
    case(f'tp-generic-secret-{i}.yaml', f'app:\n  {key}: {r(rng.choice([24, 32, 40, 48]))}\n', 'leak', 'generic-api-key')
case('tp-generic-secret-data-password.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  postgres-password: ' + b64(pw(20)) + '\n  username: ' + b64('postgres') + '\n', 'leak', 'generic-password')
case('tp-generic-env-password.yaml', f'containers:\n  - name: api\n    env:\n      - name: DB_PASSWORD\n        value: "{pw(18)}"\n', 'leak', 'generic-password')
case('tp-generic-cli-password.yaml', f'command:\n  - /bin/sh\n  - -c\n  - mysql -h db -u root --password={pw(16)} < /init.sql\n', 'leak', 'generic-password')
case('tp-aws-pair.yaml', f'aws:\n  accessKeyId: AKIA{r(16, UP + "234567")}\n  secretAccessKey: {r(40, ALNUM + "+/")}\n', 'leak', 'aws-access-key-id')
case('tp-aws-secret-only.env', f'AWS_SECRET_ACCESS_KEY={r(40, ALNUM + "+/")}\n', 'leak', 'aws-secret-access-key')
case('tp-minio-values.yaml', f'minio:\n  rootUser: admin\n  rootPassword: {r(24)}\n', 'leak', 'generic-password')
case('tp-django-secret.yaml', f'config:\n  SECRET_KEY: "{r(50, ALNUM + "!@#%^&*(-_=+)")}"\n', 'leak', 'generic-api-key')
case('tp-rails-secret-key-base.env', f'SECRET_KEY_BASE={hx(128)}\n', 'leak', 'generic-api-key')
case('tp-htpasswd.yaml', 'auth:\n  htpasswd: "admin:$apr1$' + r(8, LOW + DIG) + '$' + r(22, ALNUM + './') + '"\n', 'leak', 'htpasswd-hash')
case('tp-connection-string.yaml', f'connectionStrings:\n  main: "Server=tcp:acme.database.windows.net,1433;Database=orders;User ID=app;Password={pw(16).replace(";", "x")};Encrypt=true"\n', 'leak', 'jdbc-connection-password')
case('tp-kubeconfig.yaml', f'kubeconfig: |\n  apiVersion: v1\n  kind: Config\n  users:\n  - name: ci\n    user:\n      token: {r(60, ALNUM)}\n', 'leak', 'kubeconfig-token')
case('tp-curl-user.yaml', f'postStart:\n  exec:\n    command: ["sh", "-c", "curl -u admin:{r(16)} https://api.internal/reload"]\n', 'leak', 'curl-user-password')
case('tp-base64-values.yaml', f'config:\n  bootstrap: {b64("slack_token=" + TOKENS["slack-bot-token"]())}\n', 'leak', 'slack-bot-token')
case('tp-nested-base64.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n  config: ' + b64('[default]\naws_access_key_id = ' + TOKENS['aws-access-key-id']() + '\n') + '\n', 'leak', 'aws-access-key-id')
case('tp-rendered-list.yaml', f'---\n# Source: app/templates/secret.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: rel-app\nstringData:\n  GITHUB_TOKEN: {TOKENS["github-pat"]()}\n', 'leak', 'github-pat')
case('tp-template-default.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\nstringData:\n  token: {{ .Values.token | default "' + TOKENS['gitlab-pat']() + '" | quote }}\n', 'leak', 'gitlab-pat')
case('tp-helpers-tpl.tpl', '{{- define "app.apiKey" -}}\n' + TOKENS['sendgrid-api-key']() + '\n{{- end -}}\n', 'leak', 'sendgrid-api-key')
case('tp-notes.txt', 'Thank you for installing.\nUse this token to log in: ' + TOKENS['dockerhub-token']() + '\n', 'leak', 'dockerhub-token')
case('tp-readme.md', '# App\n\nConfigure the webhook:\n\n```\nwebhook: ' + TOKENS['slack-webhook-url']() + '\n```\n', 'leak', 'slack-webhook-url')
# default passwords shipped in values (weak, low entropy): their own rule
for i, (key, val) in enumerate([('adminPassword', 'prom-operator'), ('password', 'admin123'), ('rootPassword', 'mysql'), ('auth.password', 'bitnami'), ('postgresPassword', 'postgres'), ('redisPassword', 'redis123'), ('adminPassword', 'admin'), ('password', 'Passw0rd'), ('keystorePassword', 'changeit1'), ('rabbitmq_password', 'guest')]):
    case(f'tp-default-password-{i}.yaml', f'# Default values\nauth:\n  enabled: true\n  {key}: {val}\n', 'leak', 'default-password')

# --- near misses, placeholders, references: NOT leaks ---
N = []
def neg(name, text): case(name, text, 'clean')
neg('fp-placeholder-changeme.yaml', 'auth:\n  password: changeme\n  apiKey: CHANGEME\n')
neg('fp-placeholder-angle.yaml', 'auth:\n  password: <password>\n  token: "<your-token>"\n')
neg('fp-placeholder-env.yaml', 'auth:\n  password: ${DB_PASSWORD}\n  token: "${GITHUB_TOKEN}"\n  secret: $API_SECRET\n')
neg('fp-placeholder-k8s-env.yaml', 'args:\n  - --password=$(DB_PASSWORD)\n  - --token=$(API_TOKEN)\n')
neg('fp-empty.yaml', 'auth:\n  password: ""\n  rootPassword: \'\'\n  token:\n  apiKey: ~\n  existingSecret: ""\n')
neg('fp-template-values.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ include "app.fullname" . }}\ntype: Opaque\ndata:\n  password: {{ .Values.auth.password | b64enc | quote }}\n  token: {{ required "auth.token is required" .Values.auth.token | b64enc }}\n')
neg('fp-template-randalpha.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n  {{- $existing := lookup "v1" "Secret" .Release.Namespace "x" }}\n  password: {{ $existing.data.password | default (randAlphaNum 24 | b64enc) | quote }}\n')
neg('fp-template-env.yaml', 'env:\n  - name: ADMIN_PASSWORD\n    value: {{ .Values.adminPassword | quote }}\n  - name: API_TOKEN\n    value: "{{ tpl .Values.token . }}"\n')
neg('fp-secretkeyref.yaml', 'env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: {{ .Values.auth.existingSecret }}\n        key: password\n  - name: API_TOKEN\n    valueFrom:\n      secretKeyRef:\n        name: api-credentials\n        key: token\n')
neg('fp-existing-secret.yaml', 'auth:\n  existingSecret: my-db-secret\n  existingSecretPasswordKey: admin-password\n  secretKeys:\n    adminPasswordKey: admin-password\n    userPasswordKey: user-password\n    replicationPasswordKey: replication-password\n')
neg('fp-external-secret.yaml', 'apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: db\nspec:\n  secretStoreRef:\n    name: vault-backend\n    kind: ClusterSecretStore\n  data:\n    - secretKey: password\n      remoteRef:\n        key: secret/data/prod/db\n        property: password\n')
neg('fp-sealed-secret.yaml', 'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: db\nspec:\n  encryptedData:\n    password: Ag' + r(300, ALNUM + '+/') + '==\n    apiKey: Ag' + r(300, ALNUM + '+/') + '==\n')
neg('fp-secret-provider-class.yaml', 'apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata:\n  name: azure-kv\nspec:\n  provider: azure\n  parameters:\n    keyvaultName: acme-kv\n    objects: |\n      array:\n        - |\n          objectName: db-password\n          objectType: secret\n    tenantId: ' + uuid() + '\n')
neg('fp-sops.yaml', 'auth:\n    password: ENC[AES256_GCM,data:' + r(24, ALNUM + '+/') + '=,iv:' + r(43, ALNUM + '+/') + '=,tag:' + r(22, ALNUM + '+/') + '==,type:str]\nsops:\n    lastmodified: "2026-01-01T00:00:00Z"\n    mac: ENC[AES256_GCM,data:' + r(60, ALNUM + '+/') + ',type:str]\n')
neg('fp-vault-refs.yaml', 'secrets:\n  dbPassword: vault:secret/data/prod/db#password\n  apiToken: ref+vault://secret/api#token\n  awsSecret: arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api-AbCdEf\n  gcpSecret: projects/acme/secrets/api-key/versions/latest\n  opSecret: op://Prod/api/credential\n')
neg('fp-checksum-annotations.yaml', 'spec:\n  template:\n    metadata:\n      annotations:\n        checksum/secret: ' + hx(64) + '\n        checksum/config: ' + hx(64) + '\n')
neg('fp-image-digest.yaml', 'image:\n  repository: ghcr.io/acme/app\n  digest: sha256:' + hx(64) + '\n  tag: v1.2.3@sha256:' + hx(64) + '\n')
neg('fp-ids.yaml', 'metadata:\n  uid: ' + uuid() + '\n  resourceVersion: "123456"\nspec:\n  clusterId: ' + uuid() + '\n  commit: ' + hx(40) + '\n')
neg('fp-aws-example.yaml', 'aws:\n  accessKeyId: AKIAIOSFODNN7EXAMPLE\n  secretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n')
neg('fp-certificate-only.yaml', 'tls:\n  crt: |\n' + '\n'.join('    ' + l for l in pem('CERTIFICATE', 10).split('\n')) + '\n  caBundle: ' + b64(pem('CERTIFICATE', 6)) + '\n')
neg('fp-public-key.yaml', 'jwt:\n  publicKey: |\n' + '\n'.join('    ' + l for l in pem('PUBLIC KEY', 6).split('\n')) + '\nssh:\n  authorizedKey: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI' + r(43) + ' deploy@ci\n')
neg('fp-truncated-key.yaml', 'tls:\n  key: |\n    -----BEGIN RSA PRIVATE KEY-----\n    ...\n    -----END RSA PRIVATE KEY-----\n')
neg('fp-password-settings.yaml', 'auth:\n  passwordLength: 16\n  passwordPolicy: strong\n  passwordMinLength: 12\n  password_file: /run/secrets/db_password\n  tokenTTL: 24h\n  tokenExpiry: 3600\n  secretName: app-tls\n  secretMountPath: /etc/secrets\n  tokenAudience: https://kubernetes.default.svc\n')
neg('fp-sa-token-settings.yaml', 'serviceAccount:\n  create: true\n  automountServiceAccountToken: false\n  annotations: {}\nrbac:\n  create: true\ntoken:\n  enabled: false\n')
neg('fp-near-miss-ghp.yaml', 'docs:\n  example: ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n  short: ghp_' + r(20) + '\n')
neg('fp-near-miss-slack.yaml', 'slack:\n  token: xoxb-your-token-here\n  channel: "#alerts"\n')
neg('fp-near-miss-stripe.yaml', 'stripe:\n  publishableKey: pk_live_' + r(24) + '\n')
neg('fp-near-miss-akia.yaml', 'note: "AKIA keys look like AKIA plus 16 chars"\nids:\n  - AKIA' + r(10, UP) + '\n')
neg('fp-docs-readme.md', '# Chart\n\n| Key | Description | Default |\n|---|---|---|\n| `auth.password` | Password for the admin user | `""` |\n| `auth.existingSecret` | Secret with the password | `""` |\n\nSet the password with `--set auth.password=$(openssl rand -hex 16)`.\n')
neg('fp-values-schema.json', json.dumps({"type": "object", "properties": {"password": {"type": "string", "description": "Admin password", "default": ""}, "token": {"type": "string", "minLength": 8}}}, indent=2))
neg('fp-script-configmap.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: init\ndata:\n  init.sh: |\n    #!/bin/sh\n    PASSWORD=$(cat /run/secrets/password)\n    mysql -u root -p"$PASSWORD" -e "select 1"\n    export TOKEN="$(vault read -field=token secret/app)"\n')
neg('fp-python-code.py', 'import os\n\npassword = os.environ["DB_PASSWORD"]\ntoken = get_secret("api-token")\napi_key = settings.API_KEY\n')
neg('fp-booleans.yaml', 'auth:\n  password: true\n  token: false\n  secret: null\n  apiKey: none\n')
neg('fp-placeholder-xxx.yaml', 'auth:\n  password: xxxxxxxx\n  apiKey: "********"\n  token: REPLACE_ME\n  secret: your-secret-here\n')
neg('fp-helm-lookup.tpl', '{{- define "app.password" -}}\n{{- $secret := lookup "v1" "Secret" .Release.Namespace (include "app.fullname" .) -}}\n{{- if $secret -}}\n{{- index $secret.data "password" -}}\n{{- else -}}\n{{- randAlphaNum 32 | b64enc -}}\n{{- end -}}\n{{- end -}}\n')
neg('fp-configmap-plain.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  LOG_LEVEL: info\n  FEATURE_FLAGS: "a,b,c"\n  SESSION_COOKIE_NAME: session_id\n  TOKEN_ISSUER: https://auth.acme.io\n')
neg('fp-secret-data-names.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n  username: ' + b64('admin') + '\n  host: ' + b64('db.internal') + '\n  port: ' + b64('5432') + '\n')
neg('fp-db-url-template.yaml', 'database:\n  url: postgres://{{ .Values.db.user }}:{{ .Values.db.password }}@db:5432/app\n  url2: "postgres://app:${DB_PASSWORD}@db:5432/app"\n  url3: "mysql://user:<password>@localhost/db"\n')
neg('fp-url-no-password.yaml', 'repos:\n  - url: https://charts.bitnami.com/bitnami\n  - url: https://git@github.com/acme/charts.git\n  - url: ssh://git@github.com:22/acme/repo.git\n')
neg('fp-dockerconfig-template.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: {{ printf "{\\"auths\\":{\\"%s\\":{\\"auth\\":\\"%s\\"}}}" .Values.registry (printf "%s:%s" .Values.user .Values.password | b64enc) | b64enc }}\n')
neg('fp-hashes.yaml', 'integrity:\n  sha1: ' + hx(40) + '\n  md5: ' + hx(32) + '\n  etag: "' + hx(32) + '"\n')
neg('fp-random-words.yaml', 'description: A Helm chart for Kubernetes that deploys the tokenizer service and the secretary bot\nkeywords:\n  - passwordless\n  - tokens\n  - secrets-management\n')
neg('fp-compass.yaml', 'navigation:\n  compass: enabled\n  bypass: true\n  passenger: true\n  passive: yes\n')
neg('fp-k8s-sa-secret.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: sa-token\n  annotations:\n    kubernetes.io/service-account.name: app\ntype: kubernetes.io/service-account-token\n')
neg('fp-cert-manager.yaml', 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\nspec:\n  secretName: web-tls\n  privateKey:\n    algorithm: ECDSA\n    size: 256\n    rotationPolicy: Always\n')
neg('fp-keycloak-realm.json', json.dumps({"realm": "acme", "credentials": [{"type": "password", "value": "${KEYCLOAK_ADMIN_PASSWORD}", "temporary": True}], "clientSecret": "**********"}, indent=2))
neg('fp-grafana-provisioning.yaml', 'datasources:\n  - name: Prometheus\n    type: prometheus\n    url: http://prometheus:9090\n    secureJsonData:\n      basicAuthPassword: $PROM_PASSWORD\n      httpHeaderValue1: "Bearer ${PROM_TOKEN}"\n')
neg('fp-uuid-tenant.yaml', 'azure:\n  tenantId: ' + uuid() + '\n  subscriptionId: ' + uuid() + '\n  clientId: ' + uuid() + '\n')
neg('fp-oauth-public.yaml', 'oauth:\n  clientId: 1234567890-abc123def456.apps.googleusercontent.com\n  redirectUrl: https://app.acme.io/oauth/callback\n  tokenUrl: https://oauth2.googleapis.com/token\n  authUrl: https://accounts.google.com/o/oauth2/auth\n')
neg('fp-binary-like.yaml', 'favicon: ' + base64.b64encode(bytes(rng.randrange(256) for _ in range(200))).decode() + '\n')
neg('fp-env-names.yaml', 'envFrom:\n  - secretRef:\n      name: app-secrets\nenv:\n  - name: PASSWORD_FILE\n    value: /run/secrets/password\n  - name: TOKEN_PATH\n    value: /var/run/secrets/tokens/api\n')
neg('fp-ingress-basic-auth-ref.yaml', 'ingress:\n  annotations:\n    nginx.ingress.kubernetes.io/auth-type: basic\n    nginx.ingress.kubernetes.io/auth-secret: basic-auth\n    nginx.ingress.kubernetes.io/auth-realm: "Authentication Required"\n')
neg('fp-jwt-like-words.yaml', 'headers:\n  accept: application/json\n  x-request-id: eyJ-not-a-token\n')
neg('fp-sequential.yaml', 'auth:\n  apiKey: abcdefghijklmnop\n  token: 1234567890123456\n')
neg('fp-password-prompt.yaml', 'messages:\n  passwordPrompt: "Enter your password:"\n  passwordHint: "At least 12 characters"\n  tokenHeader: X-Auth-Token\n')
neg('fp-terraform-vars.tf', 'variable "db_password" {\n  type      = string\n  sensitive = true\n}\n\nresource "x" "y" {\n  password = var.db_password\n  token    = data.vault_generic_secret.api.data["token"]\n}\n')
neg('fp-github-actions.yaml', 'steps:\n  - run: helm registry login ghcr.io -u ${{ github.actor }} -p ${{ secrets.GITHUB_TOKEN }}\n    env:\n      API_KEY: ${{ secrets.API_KEY }}\n')
neg('fp-crd-schema.yaml', 'properties:\n  password:\n    type: string\n    description: The password. Use passwordSecretRef instead.\n  passwordSecretRef:\n    type: object\n    properties:\n      name:\n        type: string\n      key:\n        type: string\n')

# --- handwritten cases (alertmanager, argo, keycloak, vault annotations, CLI flags, …) ---
A = ALNUM
def add(n, t, l): case('hw-' + n, t, l)
add('p01.yaml', f'config:\n  STRIPE_SECRET_KEY: sk_live_{r(24)}\n', 'leak')
add('p02.yaml', f'twilio:\n  accountSid: AC{hx(32)}\n  authToken: {hx(32)}\n', 'leak')
add('p03.yaml', f"alertmanager:\n  config:\n    global:\n      slack_api_url: 'https://hooks.slack.com/services/T{r(8, string.ascii_uppercase+string.digits)}/B{r(8, string.ascii_uppercase+string.digits)}/{r(24)}'\n", 'leak')
add('p04.yaml', f'receivers:\n  - name: pd\n    pagerduty_configs:\n      - routing_key: {hx(32)}\n', 'leak')
add('p05.yaml', f'receivers:\n  - name: og\n    opsgenie_configs:\n      - api_key: {hx(8)}-{hx(4)}-{hx(4)}-{hx(4)}-{hx(12)}\n', 'leak')
add('p06.yaml', 'grafana:\n  adminUser: admin\n  adminPassword: strongpassword\n', 'leak')
add('p07.yaml', f'gitlab-runner:\n  runnerRegistrationToken: "GR1348941{r(20)}"\n', 'leak')
add('p08.yaml', f'configs:\n  repositories:\n    private:\n      url: https://github.com/acme/private\n      username: bot\n      password: ghp_{r(36)}\n', 'leak')
add('p09.yaml', f'env:\n  AZURE_CLIENT_SECRET: "{r(3)}8Q~{r(34, A+"_~.-")}"\n', 'leak')
pk = '-----BEGIN PRIVATE KEY-----\\n' + '\\n'.join(r(64, A+'+/') for _ in range(8)) + '\\n-----END PRIVATE KEY-----\\n'
add('p10.json', '{\n  "type": "service_account",\n  "private_key": "' + pk + '"\n}\n', 'leak')
add('p11.yaml', f'redis:\n  url: redis://:{r(20)}@redis-master:6379/0\n', 'leak')
add('p12.yaml', f'headers:\n  Authorization: "Basic {b64("admin:" + r(14))}"\n', 'leak')
add('p13.yaml', f'notifications:\n  webhook_url: https://discord.com/api/webhooks/{rng.randint(10**17,10**18)}/{r(68, A+"-_")}\n', 'leak')
add('p14.yaml', f'data:\n  .npmrc: |\n    registry=https://registry.npmjs.org/\n    //registry.npmjs.org/:_authToken=npm_{r(36)}\n', 'leak')
add('p15.yaml', f'script: |\n  docker login -u deploy -p {r(20)} registry.acme.io\n  docker push registry.acme.io/app\n', 'leak')
add('p16.yaml', f'smtp:\n  host: smtp.mailgun.org\n  smtp_auth_password: "{r(18)}"\n', 'leak')
add('p17.yaml', f'ldap:\n  bindDN: cn=admin,dc=acme,dc=io\n  bindPassword: {r(16)}\n', 'leak')
add('p18.yaml', 'containers:\n  - name: kc\n    env:\n      - name: KEYCLOAK_ADMIN\n        value: admin\n      - name: KEYCLOAK_ADMIN_PASSWORD\n        value: admin\n', 'leak')
add('p19.yaml', f'vault:\n  env:\n    VAULT_TOKEN: hvs.{r(24)}\n', 'leak')
add('p20.yaml', f'datadog:\n  apiKey: {hx(32)}\n  appKey: {hx(40)}\n', 'leak')
add('p21.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: git\ndata:\n  ssh-privatekey: ' + b64('-----BEGIN OPENSSH PRIVATE KEY-----\n' + '\n'.join(r(70, A+'+/') for _ in range(6)) + '\n-----END OPENSSH PRIVATE KEY-----\n') + '\n', 'leak')
add('p22.yaml', f'mongodb:\n  uri: mongodb://appuser:{r(16)}@mongo-0.mongo:27017,mongo-1.mongo:27017/app?replicaSet=rs0\n', 'leak')
add('p23.yaml', f'oauth2-proxy:\n  config:\n    clientID: {r(20)}\n    clientSecret: {r(32)}\n    cookieSecret: {r(32)}\n', 'leak')
add('p24.yaml', f'sentry:\n  dsn: https://{hx(32)}@o{rng.randint(10000,99999)}.ingest.sentry.io/{rng.randint(100000,999999)}\n', 'leak')
add('p25.yaml', f'gcp:\n  apiKey: AIza{r(35, A+"-_")}\n', 'leak')
add('p26.yaml', f'postgresql:\n  auth:\n    postgresPassword: {r(12)}\n    password: {r(12)}\n', 'leak')
add('p27.yaml', f'args:\n  - --github-token\n  - ghp_{r(36)}\n', 'leak')
add('p28.yaml', f'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ntype: Opaque\ndata:\n  DB_PASS: {b64(r(14))}\n', 'leak')
add('p29.yaml', f'newrelic:\n  licenseKey: {hx(36)}NRAL\n', 'leak')
add('p30.yaml', f'telegram:\n  botToken: "{rng.randint(10**9, 2*10**9)}:AA{r(33, A+"-_")}"\n', 'leak')
add('p31.yaml', f'auth:\n  rootPassword: root\n', 'leak')
add('p32.yaml', f'amqp:\n  url: amqp://app:{r(16)}@rabbitmq:5672/\n', 'leak')
add('p33.yaml', f'elasticsearch:\n  password: "{r(20)}"\n  username: elastic\n', 'leak')
add('p34.yaml', f'openai:\n  key: sk-{r(20)}T3BlbkFJ{r(20)}\n', 'leak')
add('p35.yaml', f'minio:\n  accessKey: minioadmin\n  secretKey: minioadmin\n', 'leak')

add('n01.yaml', 'password: "{{ .Values.global.postgresql.auth.postgresPassword }}"\n', 'clean')
add('n02.yaml', 'env:\n  AWS_ACCESS_KEY_ID: AKIAXXXXXXXXXXXXXXXX\n  AWS_SECRET_ACCESS_KEY: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n', 'clean')
add('n03.yaml', 'github:\n  token: "REPLACE_WITH_YOUR_TOKEN"\n', 'clean')
add('n04.yaml', 'apiKey: "${{ secrets.API_KEY }}"\n', 'clean')
add('n05.yaml', 'script: kubectl create secret generic db --from-literal=password=$PASSWORD\n', 'clean')
add('n06.yaml', 'args:\n  - --token-file=/var/run/secrets/kubernetes.io/serviceaccount/token\n  - --password-file=/etc/app/password\n', 'clean')
add('n07.yaml', 'jwt:\n  example: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c\n', 'clean')
add('n08.yaml', 'db:\n  password: !vault |\n    $ANSIBLE_VAULT;1.1;AES256\n    ' + hx(64) + '\n', 'clean')
add('n09.yaml', 'auth:\n  passwordSecretRef:\n    name: db\n    key: password\n  passwordSecretName: db-creds\n', 'clean')
add('n10.yaml', 'auth:\n  password: null\n  token: ~\n', 'clean')
add('n11.yaml', 'password: {{ randAlphaNum 16 | quote }}\n', 'clean')
add('n12.yaml', 'stripe:\n  testKey: sk_test_4eC39HqLyjWDarjtT1zdp7dc\n', 'clean')
add('n13.yaml', 'global:\n  imagePullSecrets:\n    - name: regcred\n  storageClass: fast\n', 'clean')
add('n14.yaml', 'podAnnotations:\n  vault.hashicorp.com/agent-inject: "true"\n  vault.hashicorp.com/agent-inject-secret-db: database/creds/app\n  vault.hashicorp.com/role: app\n', 'clean')
add('n15.yaml', 'auth:\n  password: "${PASSWORD:-}"\n  token: "%TOKEN%"\n', 'clean')
add('n16.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  password: ""\n  token: {{ .Values.token | b64enc }}\n', 'clean')
add('n17.yaml', 'livenessProbe:\n  exec:\n    command: ["sh", "-c", "redis-cli -a \\"$REDIS_PASSWORD\\" ping"]\n', 'clean')
add('n18.yaml', 'keycloak:\n  auth:\n    adminUser: admin\n    existingSecret: keycloak-admin\n    passwordSecretKey: admin-password\n', 'clean')
add('n19.yaml', 'metrics:\n  serviceMonitor:\n    bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n    basicAuth:\n      password:\n        name: prom-auth\n        key: password\n', 'clean')
add('n20.yaml', 'image:\n  pullSecrets: []\n  tag: 16.2.0-debian-12-r8\n  digest: ""\n', 'clean')
add('n21.yaml', 'tls:\n  certificate: |\n    -----BEGIN CERTIFICATE-----\n' + '\n'.join('    ' + r(64, A+'+/') for _ in range(10)) + '\n    -----END CERTIFICATE-----\n', 'clean')
add('n22.yaml', 'config:\n  session_timeout: 3600\n  token_lifetime: 15m\n  password_reset_url: https://id.acme.io/reset\n  auth_method: oidc\n', 'clean')
add('n23.yaml', 'ssh:\n  knownHosts: |\n    github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n', 'clean')
add('n24.yaml', 'auth:\n  enabled: true\n  sentinel: true\n  usePasswordFiles: true\n  password: ""\n', 'clean')
add('n25.yaml', 'rbac:\n  rules:\n    - apiGroups: [""]\n      resources: ["secrets"]\n      verbs: ["get", "list"]\n', 'clean')

# --- handwritten cases, second batch (rendered charts, app configs, hashes, reloader annotations) ---
def add(n, t, l): case('hw2-' + n, t, l)
add('q01.yaml', f'---\n# Source: wordpress/templates/secrets.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: rel-wordpress\n  namespace: "default"\ntype: Opaque\ndata:\n  wordpress-password: "{b64(r(10))}"\n', 'leak')
add('q02.yaml', f'---\n# Source: app/templates/deploy.yaml\napiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        env:\n        - name: SENDGRID_API_KEY\n          value: SG.{r(22, A+"-_")}.{r(43, A+"-_")}\n', 'leak')
add('q03.yaml', f'config:\n  storage:\n    s3:\n      accessKeyID: AKIA{r(16, string.ascii_uppercase+"234567")}\n      secretAccessKey: "{r(40, A+"/+")}"\n', 'leak')
add('q04.yaml', f'loki:\n  storage:\n    azure:\n      accountName: lokistore\n      accountKey: "{r(86, A+"+/")}=="\n', 'leak')
add('q05.yaml', f'global:\n  imageRegistry: ""\n  imagePullSecrets: []\nauth:\n  username: user\n  password: "{r(8, string.ascii_lowercase)}{rng.randint(10,99)}"\n', 'leak')
add('q06.yaml', f'extraEnvVars:\n  - name: SMTP_PASSWORD\n    value: "{r(16)}"\n', 'leak')
add('q07.yaml', f'data:\n  config.yaml: |\n    database:\n      dsn: "postgres://grafana:{r(12)}@pg:5432/grafana?sslmode=disable"\n', 'leak')
add('q08.yaml', f'apiVersion: v1\nkind: Secret\nmetadata:\n  name: gh\nstringData:\n  token: github_pat_11{r(20, string.ascii_uppercase+string.digits)}_{r(59)}\n', 'leak')
add('q09.yaml', f'webhook:\n  url: "https://outlook.office.com/webhook/{hx(8)}-{hx(4)}-{hx(4)}-{hx(4)}-{hx(12)}@{hx(8)}-{hx(4)}-{hx(4)}-{hx(4)}-{hx(12)}/IncomingWebhook/{hx(32)}/{hx(8)}-{hx(4)}-{hx(4)}-{hx(4)}-{hx(12)}"\n', 'leak')
add('q10.yaml', f'gitlab:\n  token: glpat-{r(20, A+"-_")}\n', 'leak')
add('q11.yaml', f'apiVersion: v1\nkind: Secret\nmetadata:\n  name: registry\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: {b64(json.dumps({"auths": {"https://index.docker.io/v1/": {"username": "acme", "password": "dckr_pat_" + r(27, A+"-_"), "email": "ops@acme.io"}}}))}\n', 'leak')
add('q12.yaml', f'mysql:\n  auth:\n    rootPassword: "{r(20)}"\n    replicationPassword: "{r(20)}"\n', 'leak')
add('q13.yaml', f'slack:\n  botToken: xoxb-{rng.randint(10**10,10**11)}-{rng.randint(10**12,10**13)}-{r(24)}\n  signingSecret: {hx(32)}\n', 'leak')
add('q14.yaml', f'clickhouse:\n  users:\n    default:\n      password: "{r(24)}"\n', 'leak')
add('q15.yaml', f'ssh:\n  privateKey: "-----BEGIN RSA PRIVATE KEY-----\\n{r(64, A+"+/")}\\n{r(64, A+"+/")}\\n{r(40, A+"+/")}=\\n-----END RSA PRIVATE KEY-----"\n', 'leak')
add('q16.yaml', f'argo-cd:\n  configs:\n    secret:\n      argocdServerAdminPassword: "$2a$10${r(53, A+"./")}"\n', 'leak')
add('q17.yaml', f'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  application.yml: |\n    spring:\n      datasource:\n        url: jdbc:mysql://mysql:3306/app\n        username: app\n        password: {r(14)}\n', 'leak')
add('q18.yaml', f'cloudflare:\n  apiToken: {r(40, A+"-_")}\n', 'leak')
add('q19.yaml', f'env:\n  - name: STRIPE_KEY\n    value: rk_live_{r(24)}\n', 'leak')
add('q20.yaml', f'settings:\n  secret_key: "django-insecure-{r(50, string.ascii_lowercase+string.digits+"!@#$%^&*(-_=+)")}"\n', 'leak')
add('q21.yaml', 'auth:\n  adminPassword: admin\n', 'leak')
add('q22.yaml', f'rabbitmq:\n  auth:\n    username: user\n    password: {r(12)}\n    erlangCookie: {r(32)}\n', 'leak')
# negatives
add('m01.yaml', '---\n# Source: wordpress/templates/secrets.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: rel-wordpress\ntype: Opaque\ndata:\n  wordpress-password: ""\n', 'clean')
add('m02.yaml', 'auth:\n  existingSecret: "{{ .Release.Name }}-auth"\n  secretKeys:\n    adminPasswordKey: "admin-password"\n', 'clean')
add('m03.yaml', 'extraEnvVars:\n  - name: SMTP_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: smtp\n        key: password\n  - name: SMTP_USER\n    value: mailer\n', 'clean')
add('m04.yaml', 'config:\n  storage:\n    s3:\n      accessKeyID: ""\n      secretAccessKey: ""\n      existingSecret: s3-creds\n', 'clean')
add('m05.yaml', 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  annotations:\n    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/app\nautomountServiceAccountToken: true\n', 'clean')
add('m06.yaml', 'tls:\n  secretName: app-tls\n  certManager: true\n  issuerRef:\n    name: letsencrypt\n    kind: ClusterIssuer\n', 'clean')
add('m07.yaml', 'oidc:\n  clientId: grafana\n  clientSecret: ""\n  clientSecretFromEnv: GF_AUTH_CLIENT_SECRET\n', 'clean')
add('m08.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n  annotations:\n    helm.sh/resource-policy: keep\ntype: Opaque\ndata:\n  {{- if .Values.auth.password }}\n  password: {{ .Values.auth.password | b64enc | quote }}\n  {{- else }}\n  password: {{ randAlphaNum 10 | b64enc | quote }}\n  {{- end }}\n', 'clean')
add('m09.yaml', 'metrics:\n  enabled: true\n  serviceMonitor:\n    interval: 30s\n    tokenSecret:\n      name: ""\n      key: ""\n', 'clean')
add('m10.yaml', 'podSecurityContext:\n  fsGroup: 1001\ncontainerSecurityContext:\n  runAsUser: 1001\n  readOnlyRootFilesystem: true\n', 'clean')
add('m11.yaml', 'keycloak:\n  auth:\n    adminPassword: "{{ .Values.global.adminPassword }}"\n', 'clean')
add('m12.yaml', 'mongodb:\n  uri: "mongodb://$(MONGO_USER):$(MONGO_PASSWORD)@mongo:27017/db"\n', 'clean')
add('m13.yaml', 'redis:\n  url: redis://redis-master:6379/0\n  sentinelUrl: redis+sentinel://sentinel:26379/mymaster\n', 'clean')
add('m14.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: ca\ntype: Opaque\ndata:\n  ca.crt: ' + b64('-----BEGIN CERTIFICATE-----\n' + r(64) + '\n' + r(64) + '\n-----END CERTIFICATE-----\n') + '\n', 'clean')
add('m15.yaml', 'hooks:\n  - name: notify\n    url: https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX\n', 'clean')
add('m16.yaml', 'sso:\n  saml:\n    idpMetadataUrl: https://idp.acme.io/metadata\n    signingCertificateSecret: saml-signing\n', 'clean')
add('m17.yaml', 'commonAnnotations:\n  secret.reloader.stakater.com/reload: "app-secrets"\n  configmap.reloader.stakater.com/reload: "app-config"\n', 'clean')
add('m18.yaml', 'vault:\n  address: https://vault.acme.io:8200\n  role: app\n  authPath: auth/kubernetes\n  secretPath: secret/data/app\n', 'clean')
add('m19.yaml', 'postgresql:\n  auth:\n    postgresPassword: ""\n    password: ""\n    existingSecret: ""\n    usePasswordFiles: false\n', 'clean')
add('m20.yaml', '# To set the token: helm install --set token=<TOKEN>\ntoken: ""\n', 'clean')

# write
if os.path.isdir(CASES): shutil.rmtree(CASES)
os.makedirs(CASES)
names = set()
with open(os.path.join(HERE, 'labels.tsv'), 'w') as lab:
    lab.write('# file\tlabel (leak|clean)\texpected rule id (informational)\n')
    for name, text, label, expected in cases:
        assert name not in names, name
        names.add(name)
        with open(os.path.join(CASES, name), 'w') as f: f.write(text)
        lab.write(f'{name}\t{label}\t{expected}\n')
print(len(cases), 'cases', sum(1 for c in cases if c[2] == 'leak'), 'leaks')
