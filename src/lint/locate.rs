//! Maps rendered objects and their fields back to template source lines, so findings point at
//! the line a chart author edits rather than at rendered output nobody sees.
//!
//! Templates are text, not YAML, so this is a search, not a parse: the `k`-th top-level `kind:`
//! line starts the `k`-th object, and a field path is followed key by key through the lines
//! after it. When the text can't tell (a key produced by `toYaml` or `include`), the deepest
//! key found wins, and at worst the object's first line.

/// 1-based line of the `index`-th of `count` objects a template renders.
pub fn object_line(src: &str, index: usize, count: usize) -> Option<u32> {
    let kinds: Vec<usize> = src
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("kind:"))
        .map(|(i, _)| i)
        .collect();
    if kinds.len() == count {
        // Objects start at their `apiVersion:` when it directly precedes `kind:`.
        let k = *kinds.get(index)?;
        let before = src.lines().nth(k.wrapping_sub(1)).unwrap_or("");
        let start = if k > 0 && before.starts_with("apiVersion:") {
            k - 1
        } else {
            k
        };
        return Some(start as u32 + 1);
    }
    if index == 0 {
        return Some(1);
    }
    None
}

/// 1-based line of the deepest key of `path` found in `src` from line `from` on, following the
/// keys in order. List indexes (numeric segments) are skipped.
pub fn field_line(src: &str, from: u32, path: &[String]) -> Option<u32> {
    let lines: Vec<&str> = src.lines().collect();
    let mut pos = from.saturating_sub(1) as usize;
    let mut found = None;
    for key in path.iter().filter(|k| k.parse::<usize>().is_err()) {
        let hit = lines.iter().enumerate().skip(pos).find(|(_, l)| {
            let t = l.trim_start().trim_start_matches("- ").trim_start();
            t.strip_prefix(key.as_str())
                .or_else(|| t.strip_prefix(&format!("\"{key}\"")))
                .is_some_and(|rest| rest.starts_with(':'))
        });
        match hit {
            Some((i, _)) => {
                found = Some(i as u32 + 1);
                pos = i + 1;
            }
            None => break,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "{{- if .Values.a }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n{{- end }}\n---\napiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          securityContext:\n            {{- toYaml .Values.sc | nindent 12 }}\n          image: x\n";

    #[test]
    fn objects_and_fields() {
        assert_eq!(object_line(SRC, 0, 2), Some(2));
        assert_eq!(object_line(SRC, 1, 2), Some(8));
        assert_eq!(object_line(SRC, 1, 3), None);
        let p = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            field_line(
                SRC,
                8,
                &p(&["spec", "template", "spec", "containers", "0", "image"])
            ),
            Some(17)
        );
        // `privileged` comes from toYaml: the deepest key found is securityContext.
        assert_eq!(
            field_line(
                SRC,
                8,
                &p(&[
                    "spec",
                    "template",
                    "spec",
                    "containers",
                    "0",
                    "securityContext",
                    "privileged"
                ])
            ),
            Some(15)
        );
    }
}
