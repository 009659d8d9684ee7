//! What undoes a failed install or upgrade. A first install that fails deletes what it applied,
//! newest first. A failed upgrade re-applies the previous revision's objects (in their install
//! order) and deletes the objects the new revision added that the previous one lacked.

use super::plan::{ObjRef, Object};

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Apply(Object),
    Delete(ObjRef),
}

/// First install failed: delete every applied object (hooks included), in reverse order.
pub fn for_install(applied: &[ObjRef]) -> Vec<Action> {
    let mut seen = std::collections::HashSet::new();
    applied
        .iter()
        .rev()
        .filter(|r| seen.insert((*r).clone()))
        .map(|r| Action::Delete(r.clone()))
        .collect()
}

/// Upgrade failed: re-apply `previous` (the last deployed revision's manifest objects), then
/// delete what was applied now and is not part of `previous`, in reverse order.
pub fn for_upgrade(previous: &[Object], applied: &[ObjRef]) -> Vec<Action> {
    let before: std::collections::HashSet<ObjRef> = previous.iter().map(Object::key).collect();
    let mut out: Vec<Action> = previous.iter().cloned().map(Action::Apply).collect();
    let mut seen = std::collections::HashSet::new();
    out.extend(
        applied
            .iter()
            .rev()
            .filter(|r| !before.contains(*r) && seen.insert((*r).clone()))
            .map(|r| Action::Delete(r.clone())),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(kind: &str, name: &str) -> Object {
        Object::parse(
            "t",
            &format!("apiVersion: v1\nkind: {kind}\nmetadata:\n  name: {name}\n"),
            "ns",
        )
        .expect("valid")
        .expect("object")
    }

    #[test]
    fn install_rollback_deletes_in_reverse() {
        let a = obj("ConfigMap", "a").key();
        let b = obj("Service", "b").key();
        assert_eq!(
            for_install(&[a.clone(), b.clone(), a.clone()]),
            [Action::Delete(a.clone()), Action::Delete(b)]
        );
        assert!(for_install(&[]).is_empty());
    }

    #[test]
    fn upgrade_rollback_reapplies_and_deletes_new_objects() {
        let prev = vec![obj("ConfigMap", "a"), obj("Service", "b")];
        let applied = vec![
            obj("ConfigMap", "a").key(),
            obj("ConfigMap", "new").key(),
            obj("Service", "b").key(),
            obj("Secret", "new2").key(),
        ];
        let actions = for_upgrade(&prev, &applied);
        assert_eq!(
            actions,
            [
                Action::Apply(prev[0].clone()),
                Action::Apply(prev[1].clone()),
                Action::Delete(obj("Secret", "new2").key()),
                Action::Delete(obj("ConfigMap", "new").key()),
            ]
        );
    }
}
