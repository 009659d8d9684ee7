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

/// Every key path of a values file with its line, to name the values line behind a rendered
/// field (`securityContext.privileged` set through `toYaml .Values.securityContext`).
#[derive(Debug, Default)]
pub struct ValuesIndex {
    /// The values file, relative to the scan root.
    pub file: String,
    entries: Vec<(Vec<String>, u32, u32)>,
}

impl ValuesIndex {
    pub fn build(file: &str, text: &str) -> ValuesIndex {
        let mut idx = ValuesIndex {
            file: file.to_string(),
            entries: vec![],
        };
        if let Ok((v, spans)) = gotpl::yaml::load_spanned(text) {
            let mut path = Vec::new();
            idx.walk(&v, &spans, &mut path, 0);
        }
        idx
    }

    fn walk(
        &mut self,
        v: &gotpl::Value,
        spans: &gotpl::yaml::Spans,
        path: &mut Vec<String>,
        depth: usize,
    ) {
        if depth > 64 {
            return;
        }
        let Some(m) = v.as_map() else { return };
        for (k, child) in m.borrow().iter() {
            path.push(k.clone());
            if let Some(n) = spans.find(path) {
                let at = n.key.unwrap_or(n.value);
                self.entries
                    .push((path.clone(), at.line as u32, at.col as u32));
            }
            self.walk(child, spans, path, depth + 1);
            path.pop();
        }
    }

    /// The one values key whose path ends with the last two keys of `field` (list indexes
    /// ignored); `None` when there is none or more than one (a guess would mislead).
    pub fn find_suffix(&self, field: &[String]) -> Option<(u32, u32)> {
        let keys: Vec<&String> = field
            .iter()
            .filter(|k| k.parse::<usize>().is_err())
            .collect();
        if keys.len() < 2 {
            return None;
        }
        let tail = &keys[keys.len() - 2..];
        let mut hits = self.entries.iter().filter(|(p, _, _)| {
            p.len() >= 2 && p[p.len() - 2] == *tail[0] && p[p.len() - 1] == *tail[1]
        });
        let first = hits.next()?;
        if hits.next().is_some() {
            return None;
        }
        Some((first.1, first.2))
    }
}

#[cfg(test)]
mod values_tests {
    use super::*;

    #[test]
    fn finds_the_unique_values_line_of_a_field() {
        let idx = ValuesIndex::build(
            "c/values.yaml",
            "image:\n  tag: x\nsecurityContext:\n  privileged: true\nsidecar:\n  image:\n    tag: y\n",
        );
        let p = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let f = p(&[
            "spec",
            "template",
            "spec",
            "containers",
            "0",
            "securityContext",
            "privileged",
        ]);
        assert_eq!(idx.find_suffix(&f), Some((4, 3)));
        // image.tag appears twice: no guess.
        assert_eq!(idx.find_suffix(&p(&["spec", "image", "tag"])), None);
        assert_eq!(idx.find_suffix(&p(&["privileged"])), None);
    }
}
