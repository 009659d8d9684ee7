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
/// keys in order. A list index moves to that item when the template writes the items out
/// (`- name: a`, `- name: b`); items made by `range` share one line, and the first is used.
pub fn field_line(src: &str, from: u32, path: &[String]) -> Option<u32> {
    let lines: Vec<&str> = src.lines().collect();
    let mut pos = from.saturating_sub(1) as usize;
    let mut found = None;
    for key in path {
        if let Ok(index) = key.parse::<usize>() {
            if found.is_some() {
                if let Some(i) = list_item(&lines, pos, index) {
                    pos = i;
                }
            }
            continue;
        }
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

fn indent(l: &str) -> usize {
    l.len() - l.trim_start().len()
}

/// The line of the `index`-th `- ` item of the list starting at line `start`, if the template
/// writes that many items out; `None` leaves the position as it is.
fn list_item(lines: &[&str], start: usize, index: usize) -> Option<usize> {
    let first = (start..lines.len()).find(|&i| lines[i].trim_start().starts_with("- "))?;
    let depth = indent(lines[first]);
    let mut n = 0;
    for (i, l) in lines.iter().enumerate().skip(first) {
        let t = l.trim_start();
        if t.is_empty() || t.starts_with("{{") {
            continue;
        }
        if indent(l) < depth {
            return None;
        }
        if indent(l) == depth && t.starts_with("- ") {
            if n == index {
                return Some(i);
            }
            n += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_indexes_pick_written_out_items() {
        let src = "spec:\n  volumes:\n    - name: a\n      hostPath:\n        path: /a\n    - name: b\n      hostPath:\n        path: /b\n";
        let p = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            field_line(src, 1, &p(&["spec", "volumes", "1", "hostPath", "path"])),
            Some(8)
        );
        assert_eq!(
            field_line(src, 1, &p(&["spec", "volumes", "0", "hostPath", "path"])),
            Some(5)
        );
        // An index past the written items (a range) stays at the first.
        assert_eq!(
            field_line(src, 1, &p(&["spec", "volumes", "5", "hostPath"])),
            Some(4)
        );
    }

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

    /// The values line behind a rendered field: a values key whose path ends with the field's
    /// last two keys (list indexes ignored) and which the template references next to the
    /// field's line (`toYaml .Values.securityContext` under `securityContext:`). `None` unless
    /// exactly one key qualifies: a guess would mislead.
    pub fn find(&self, field: &[String], src: &str, line: u32) -> Option<(u32, u32)> {
        let keys: Vec<&String> = field
            .iter()
            .filter(|k| k.parse::<usize>().is_err())
            .collect();
        if keys.len() < 2 {
            return None;
        }
        let tail = &keys[keys.len() - 2..];
        let lines: Vec<&str> = src.lines().collect();
        let lo = (line as usize).saturating_sub(2);
        let hi = (line as usize + 2).min(lines.len());
        let near = lines.get(lo..hi).unwrap_or(&[]).join("\n");
        let referenced = |p: &[String]| {
            (1..=p.len()).rev().take(2).any(|n| {
                let r = format!(".Values.{}", p[..n].join("."));
                near.match_indices(&r).any(|(i, _)| {
                    !near[i + r.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
                })
            })
        };
        let mut hits = self.entries.iter().filter(|(p, _, _)| {
            p.len() >= 2
                && p[p.len() - 2] == *tail[0]
                && p[p.len() - 1] == *tail[1]
                && referenced(p)
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
    fn finds_the_values_line_the_template_references() {
        let idx = ValuesIndex::build(
            "c/values.yaml",
            "securityContext:\n  privileged: true\nreloader:\n  securityContext:\n    privileged: false\n",
        );
        let p = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let f = p(&["spec", "containers", "0", "securityContext", "privileged"]);
        let tpl = "containers:\n  - name: main\n    securityContext:\n      {{- toYaml .Values.securityContext | nindent 6 }}\n  - name: reloader\n    securityContext:\n      {{- toYaml .Values.reloader.securityContext | nindent 6 }}\n";
        assert_eq!(idx.find(&f, tpl, 3), Some((2, 3)));
        assert_eq!(idx.find(&f, tpl, 6), Some((5, 5)));
        // A field the template writes literally has no values line.
        assert_eq!(
            idx.find(&f, "securityContext:\n  privileged: true\n", 1),
            None
        );
        assert_eq!(idx.find(&p(&["privileged"]), tpl, 3), None);
    }
}
