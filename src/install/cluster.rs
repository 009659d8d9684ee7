//! The cluster part of `chartgate install` (cargo feature `install`): finds the release's
//! previous revisions, maps kinds to resources by discovery, applies the plan server-side
//! (`fieldManager=chartgate`), waits for hooks and (with `--wait`) for readiness, records the
//! release as helm does (pending → deployed or failed), and rolls back on failure.

use super::plan::{self, ObjRef, Object, Phase, Plan};
use super::ready::{self, Readiness};
use super::release::{self, Release, Status, Time};
use super::rollback::{self, Action};
use k8s_openapi::api::core::v1::Secret;
use kube::api::{Api, DeleteParams, DynamicObject, ListParams, Patch, PatchParams, PostParams};
use kube::core::ApiResource;
use serde_json::Value as Json;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How to install.
#[derive(Clone, Debug)]
pub struct Options {
    pub release: String,
    pub namespace: String,
    pub create_namespace: bool,
    /// Wait for the manifests to be ready (`--wait`); hooks are always waited for.
    pub wait: bool,
    pub timeout: Duration,
    /// `--force-conflicts`: take over fields other managers own.
    pub force_conflicts: bool,
    /// Pause between readiness polls.
    pub poll: Duration,
    /// helm's serialized chart and the user-supplied values, for the release record.
    pub chart: Json,
    pub config: Json,
}

/// What happened.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub revision: i64,
    pub upgrade: bool,
    pub status: Status,
    /// One line per action, in order.
    pub log: Vec<String>,
    /// The failure that triggered the rollback.
    pub error: Option<String>,
}

/// Renders the chart for a revision: `(revision, is_upgrade) → plan`.
pub type RenderFn<'a> = dyn Fn(i64, bool) -> Result<Plan, String> + 'a;

fn kerr(what: &str, e: kube::Error) -> String {
    format!("{what}: {e}")
}

fn is_not_found(e: &kube::Error) -> bool {
    matches!(e, kube::Error::Api(s) if s.code == 404)
}

struct Installer<'a> {
    client: kube::Client,
    opts: &'a Options,
    deadline: Instant,
    /// apiVersion → its resource list (None when the group version does not exist).
    discovery: HashMap<String, Option<Vec<(ApiResource, bool)>>>,
    /// Whether CRDs were applied since discovery was last read (new kinds may appear).
    crds_applied: bool,
    applied: Vec<ObjRef>,
    resources: HashMap<ObjRef, ApiResource>,
    log: Vec<String>,
}

impl Installer<'_> {
    async fn fetch(&self, api_version: &str) -> Result<Option<Vec<(ApiResource, bool)>>, String> {
        let list = if api_version.contains('/') {
            self.client.list_api_group_resources(api_version).await
        } else {
            self.client.list_core_api_resources(api_version).await
        };
        let list = match list {
            Ok(l) => l,
            Err(e) if is_not_found(&e) => return Ok(None),
            Err(e) => return Err(kerr(&format!("discovery of {api_version}"), e)),
        };
        let group = plan::group_of(api_version).to_string();
        let version = api_version
            .rsplit('/')
            .next()
            .unwrap_or(api_version)
            .to_string();
        Ok(Some(
            list.resources
                .into_iter()
                .filter(|r| !r.name.contains('/'))
                .map(|r| {
                    (
                        ApiResource {
                            group: group.clone(),
                            version: version.clone(),
                            api_version: api_version.to_string(),
                            kind: r.kind,
                            plural: r.name,
                        },
                        r.namespaced,
                    )
                })
                .collect(),
        ))
    }

    /// The resource of a kind, and whether it is namespaced. Right after CRDs were applied a
    /// new kind may take a moment to be served: retry until the deadline.
    async fn resolve(
        &mut self,
        api_version: &str,
        kind: &str,
    ) -> Result<(ApiResource, bool), String> {
        loop {
            if !self.discovery.contains_key(api_version) {
                let got = self.fetch(api_version).await?;
                self.discovery.insert(api_version.to_string(), got);
            }
            let found = self
                .discovery
                .get(api_version)
                .and_then(|l| l.as_ref())
                .and_then(|l| l.iter().find(|(r, _)| r.kind == kind).cloned());
            if let Some(f) = found {
                return Ok(f);
            }
            if !self.crds_applied || Instant::now() >= self.deadline {
                return Err(format!(
                    "resource mapping not found for kind {kind:?} in version {api_version:?}: \
                     ensure CRDs are installed first"
                ));
            }
            self.discovery.remove(api_version);
            // A new CRD is usually served within a second.
            tokio::time::sleep(self.opts.poll.min(Duration::from_millis(250))).await;
        }
    }

    fn api(&self, ar: &ApiResource, ns: Option<&str>) -> Api<DynamicObject> {
        match ns {
            Some(ns) => Api::namespaced_with(self.client.clone(), ns, ar),
            None => Api::all_with(self.client.clone(), ar),
        }
    }

    async fn apply(&mut self, obj: &mut Object) -> Result<(), String> {
        let (ar, namespaced) = self.resolve(&obj.api_version, &obj.kind).await?;
        obj.rescope(namespaced, &self.opts.namespace);
        let mut pp = PatchParams::apply("chartgate");
        if self.opts.force_conflicts {
            pp = pp.force();
        }
        let api = self.api(&ar, obj.namespace.as_deref());
        api.patch(&obj.name, &pp, &Patch::Apply(&obj.body))
            .await
            .map_err(|e| kerr(&format!("apply {}/{}", obj.kind, obj.name), e))?;
        let key = obj.key();
        self.resources.insert(key.clone(), ar);
        self.applied.push(key);
        self.log.push(format!("applied {}", obj.key()));
        Ok(())
    }

    async fn delete(&mut self, key: &ObjRef, ar: &ApiResource) -> Result<(), String> {
        let api = self.api(ar, key.namespace.as_deref());
        match api.delete(&key.name, &DeleteParams::background()).await {
            Ok(_) => {
                // A deleted hook is not rolled back again.
                self.applied.retain(|k| k != key);
                self.log.push(format!("deleted {key}"));
                Ok(())
            }
            Err(e) if is_not_found(&e) => Ok(()),
            Err(e) => Err(kerr(&format!("delete {key}"), e)),
        }
    }

    /// Polls `objs` until `judge` says each is ready, one fails, or the deadline passes.
    async fn wait(&mut self, objs: &[Object], judge: fn(&Json) -> Readiness) -> Result<(), String> {
        let mut pending: Vec<&Object> = objs.iter().collect();
        loop {
            let mut still = Vec::new();
            let mut last = String::new();
            for o in pending {
                let key = o.key();
                let Some(ar) = self.resources.get(&key).cloned() else {
                    continue;
                };
                let live = self
                    .api(&ar, o.namespace.as_deref())
                    .get(&o.name)
                    .await
                    .map_err(|e| kerr(&format!("get {key}"), e))?;
                let mut json = serde_json::to_value(&live).map_err(|e| e.to_string())?;
                if let Some(m) = json.as_object_mut() {
                    m.insert("kind".into(), Json::String(o.kind.clone()));
                }
                match judge(&json) {
                    Readiness::Ready => self.log.push(format!("ready {key}")),
                    Readiness::Failed(why) => return Err(format!("{key}: {why}")),
                    Readiness::Pending(why) => {
                        last = format!("{key}: {why}");
                        still.push(o);
                    }
                }
            }
            if still.is_empty() {
                return Ok(());
            }
            if Instant::now() >= self.deadline {
                return Err(format!("timed out waiting for the condition ({last})"));
            }
            pending = still;
            tokio::time::sleep(self.opts.poll).await;
        }
    }

    /// Applies the plan in order; the first error stops it.
    async fn execute(&mut self, plan: &Plan) -> Result<(), String> {
        let mut main = Vec::new();
        for step in &plan.steps {
            let mut obj = step.object.clone();
            let is_hook = matches!(step.phase, Phase::PreHook | Phase::PostHook);
            if step.phase == Phase::PostHook && self.opts.wait && !main.is_empty() {
                self.wait(&std::mem::take(&mut main), ready::check).await?;
            }
            if is_hook
                && plan.upgrade
                && step
                    .delete_policies
                    .iter()
                    .any(|p| p == "before-hook-creation")
            {
                let (ar, namespaced) = self.resolve(&obj.api_version, &obj.kind).await?;
                obj.rescope(namespaced, &self.opts.namespace);
                self.delete(&obj.key(), &ar).await?;
            }
            self.apply(&mut obj).await?;
            if step.phase == Phase::Crd {
                self.crds_applied = true;
            }
            if is_hook {
                let done = self
                    .wait(std::slice::from_ref(&obj), ready::hook_done)
                    .await;
                let policy = if done.is_ok() {
                    "hook-succeeded"
                } else {
                    "hook-failed"
                };
                if step.delete_policies.iter().any(|p| p == policy) {
                    if let Some(ar) = self.resources.get(&obj.key()).cloned() {
                        self.delete(&obj.key(), &ar).await?;
                    }
                }
                done?;
            } else if step.phase == Phase::Manifest {
                main.push(obj);
            }
        }
        if self.opts.wait && !main.is_empty() {
            self.wait(&main, ready::check).await?;
        }
        Ok(())
    }

    /// Undoes a failed run; errors are logged, the rest still runs.
    async fn roll_back(&mut self, previous: Option<&[Object]>) {
        let actions = match previous {
            Some(prev) => rollback::for_upgrade(prev, &self.applied),
            None => rollback::for_install(&self.applied),
        };
        for a in actions {
            let r = match a {
                Action::Apply(mut o) => self.apply(&mut o).await,
                Action::Delete(key) => match self.resources.get(&key).cloned() {
                    Some(ar) => self.delete(&key, &ar).await,
                    None => Ok(()),
                },
            };
            if let Err(e) = r {
                self.log.push(format!("rollback: {e}"));
            }
        }
    }
}

fn to_secret(j: Json) -> Result<Secret, String> {
    serde_json::from_value(j).map_err(|e| e.to_string())
}

/// Installs (or upgrades, when a deployed revision exists) the release.
pub async fn install(
    client: kube::Client,
    opts: &Options,
    render: &RenderFn<'_>,
) -> Result<Report, String> {
    let ns = opts.namespace.as_str();
    let secrets: Api<Secret> = Api::namespaced(client.clone(), ns);
    let selector = format!("name={},owner=helm", opts.release);
    let existing = secrets
        .list(&ListParams::default().labels(&selector))
        .await
        .map_err(|e| kerr("list releases", e))?;
    let mut history: Vec<(i64, String, Json)> = Vec::new();
    for s in existing.items {
        let json = serde_json::to_value(&s).map_err(|e| e.to_string())?;
        let rel = release::decode_secret(&json)?;
        let version = rel.get("version").and_then(Json::as_i64).unwrap_or(0);
        let status = rel
            .pointer("/info/status")
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string();
        history.push((version, status, rel));
    }
    history.sort_by_key(|h| h.0);
    if let Some((_, status, _)) = history.last() {
        if status.starts_with("pending-") {
            return Err("another operation (install/upgrade/rollback) is in progress".into());
        }
    }
    let previous = history.iter().rev().find(|h| h.1 == "deployed").cloned();
    if previous.is_none() && !history.is_empty() {
        return Err("cannot re-use a name that is still in use".into());
    }
    let upgrade = previous.is_some();
    let revision = history.last().map_or(1, |h| h.0 + 1);
    let plan = render(revision, upgrade)?;
    let previous_objects = match &previous {
        Some((_, _, rel)) => Some(plan::manifest_objects(
            rel.get("manifest").and_then(Json::as_str).unwrap_or(""),
            ns,
        )?),
        None => None,
    };

    let mut inst = Installer {
        client: client.clone(),
        opts,
        deadline: Instant::now() + opts.timeout,
        discovery: HashMap::new(),
        crds_applied: false,
        applied: Vec::new(),
        resources: HashMap::new(),
        log: Vec::new(),
    };
    if opts.create_namespace {
        let mut nsobj = Object::parse(
            "--create-namespace",
            &format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns:?}\n"),
            ns,
        )?
        .ok_or("namespace object")?;
        inst.apply(&mut nsobj).await?;
        // The namespace outlives a failed install, as with helm.
        inst.applied.clear();
    }

    let now = Time::now();
    let first = previous
        .as_ref()
        .and_then(|p| p.2.pointer("/info/first_deployed").and_then(Json::as_str))
        .map(str::to_string);
    let mut rel = Release {
        name: opts.release.clone(),
        namespace: ns.to_string(),
        version: revision,
        status: if upgrade {
            Status::PendingUpgrade
        } else {
            Status::PendingInstall
        },
        description: if upgrade {
            "Preparing upgrade".into()
        } else {
            "Initial install underway".into()
        },
        first_deployed: now,
        last_deployed: now,
        chart: opts.chart.clone(),
        config: opts.config.clone(),
        manifest: plan.manifest.clone(),
        hooks: plan.hooks.clone(),
        notes: plan.notes.clone(),
    };
    let record = |rel: &Release| -> Result<Json, String> {
        let mut j = rel.to_json();
        // An upgrade keeps the release's first deployment time.
        if let (Some(f), Some(info)) = (&first, j.get_mut("info").and_then(Json::as_object_mut)) {
            info.insert("first_deployed".into(), Json::String(f.clone()));
        }
        Ok(j)
    };
    secrets
        .create(
            &PostParams::default(),
            &to_secret(release::storage_secret(
                &record(&rel)?,
                ns,
                rel.status.as_str(),
                Some(now.secs),
                None,
            )?)?,
        )
        .await
        .map_err(|e| kerr("create release record", e))?;
    inst.log.push(format!(
        "recorded {} ({})",
        rel.secret_name(),
        rel.status.as_str()
    ));

    let result = inst.execute(&plan).await;
    let error = result.err();
    match &error {
        None => {
            rel.status = Status::Deployed;
            rel.description = if upgrade {
                "Upgrade complete".into()
            } else {
                "Install complete".into()
            };
        }
        Some(e) => {
            inst.log.push(format!("failed: {e}"));
            inst.roll_back(previous_objects.as_deref()).await;
            rel.status = Status::Failed;
            rel.description = format!("Release {:?} failed: {e}", opts.release);
        }
    }
    let modified = Time::now().secs;
    let secret = to_secret(release::storage_secret(
        &record(&rel)?,
        ns,
        rel.status.as_str(),
        Some(now.secs),
        Some(modified),
    )?)?;
    secrets
        .replace(&rel.secret_name(), &PostParams::default(), &secret)
        .await
        .map_err(|e| kerr("update release record", e))?;
    inst.log.push(format!(
        "recorded {} ({})",
        rel.secret_name(),
        rel.status.as_str()
    ));
    if let (None, Some((version, _, prev))) = (&error, &previous) {
        let mut prev = prev.clone();
        if let Some(info) = prev.get_mut("info").and_then(Json::as_object_mut) {
            info.insert("status".into(), Json::String("superseded".into()));
            info.insert("description".into(), Json::String("Superseded".into()));
        }
        let secret = to_secret(release::storage_secret(
            &prev,
            ns,
            Status::Superseded.as_str(),
            None,
            Some(modified),
        )?)?;
        secrets
            .replace(
                &release::secret_name(&opts.release, *version),
                &PostParams::default(),
                &secret,
            )
            .await
            .map_err(|e| kerr("update previous release record", e))?;
        inst.log.push(format!(
            "recorded {} (superseded)",
            release::secret_name(&opts.release, *version)
        ));
    }
    Ok(Report {
        revision,
        upgrade,
        status: rel.status,
        log: inst.log,
        error,
    })
}

/// A client from a kubeconfig file (or the usual lookup: $KUBECONFIG, ~/.kube/config,
/// in-cluster) and context.
pub async fn client(
    kubeconfig: Option<&str>,
    context: Option<&str>,
) -> Result<kube::Client, String> {
    let options = kube::config::KubeConfigOptions {
        context: context.map(str::to_string),
        ..Default::default()
    };
    let config = match kubeconfig {
        Some(path) => {
            let kc = kube::config::Kubeconfig::read_from(path).map_err(|e| e.to_string())?;
            kube::Config::from_custom_kubeconfig(kc, &options)
                .await
                .map_err(|e| e.to_string())?
        }
        None if context.is_some() => kube::Config::from_kubeconfig(&options)
            .await
            .map_err(|e| e.to_string())?,
        None => kube::Config::infer().await.map_err(|e| e.to_string())?,
    };
    kube::Client::try_from(config).map_err(|e| e.to_string())
}
