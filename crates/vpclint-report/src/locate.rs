//! Where a finding lands: the `resource` block in a `.tf` file, the `module` block that calls a
//! registry or git module, or, without sources, the resource's object in the plan JSON.
//!
//! Sources are found from the plan's directory (or `--source-dir`): the root module's `.tf` files,
//! then, along the resource's module path, each local module call's `source` (`./modules/x`). A
//! module whose source is not on disk (registry, git, ...) is represented by its call block in the
//! caller: that is where a user changes what the module builds.

mod ignore_comments;
mod plan_json;
mod suppress;
mod tf;

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use vpclint_plan::address::Mode;
use vpclint_plan::config::ConfigModule;
use vpclint_plan::{Address, Plan, SourceText};
use vpclint_rules::{Finding, Outcome};

use crate::PlanReport;

pub use ignore_comments::{IgnoreComment, IgnoreCommentId, IgnoredRule, IGNORE_MARKER};
pub use plan_json::PlanJsonIndex;
pub use suppress::{IgnoreCommentUse, SuppressedFinding};

/// Locating and rendering read one object per finding: scattered pages of a plan text that was
/// handed back as it was parsed, which should not all come back to stay. They hand the text's
/// pages back to the kernel after every this many findings.
pub(crate) const RELEASE_EVERY: usize = 256;

/// Hands a plan text's pages back after every [`RELEASE_EVERY`]th finding a reader has gone
/// through (`done` counts them from 0).
pub(crate) fn release_now_and_then(text: &SourceText, done: usize) {
    if done % RELEASE_EVERY == RELEASE_EVERY - 1 {
        text.release_pages();
    }
}

/// A text findings point into: a `.tf` file or a plan JSON.
#[derive(Debug)]
pub struct SourceFile {
    /// The path shown to a person (relative to the display base when it is under it).
    pub display: String,
    /// The path relative to the repository root, `/`-separated; `None` outside the repository or
    /// when the text is not a file (standard input).
    pub repo_path: Option<String>,
    /// The absolute path, when the text is a file.
    pub abs_path: Option<PathBuf>,
    pub kind: SourceKind,
    text: Arc<SourceText>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A Terraform `.tf` file.
    Terraform,
    /// The plan JSON (`terraform show -json`).
    Plan,
}

/// A 1-based line and a 1-based column counted in Unicode code points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(
        display: String,
        repo_path: Option<String>,
        abs_path: Option<PathBuf>,
        kind: SourceKind,
        text: Arc<SourceText>,
    ) -> SourceFile {
        SourceFile {
            display,
            repo_path,
            abs_path,
            kind,
            text,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text with its index of lines.
    pub fn source_text(&self) -> &SourceText {
        &self.text
    }

    /// The text as a shared string (for miette's `NamedSource`).
    pub fn shared_text(&self) -> Arc<SourceText> {
        Arc::clone(&self.text)
    }

    /// The position of a byte offset (clamped to the text and to a character boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_ascii() && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_starts = self.text.line_starts();
        let line = line_starts.partition_point(|&s| s <= offset);
        let start = line_starts[line - 1];
        Position {
            line,
            column: self.text.chars_before(offset) - self.text.chars_before(start) + 1,
        }
    }

    /// The byte range of the line holding `offset`, without its line break.
    pub fn line_range(&self, offset: usize) -> Range<usize> {
        let offset = offset.min(self.text.len());
        let line_starts = self.text.line_starts();
        let line = line_starts.partition_point(|&s| s <= offset);
        let start = line_starts[line - 1];
        let end = line_starts
            .get(line)
            .map_or(self.text.len(), |&next| next - 1);
        let end = if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        start..end.max(start)
    }

    /// The path machine-readable reports use: relative to the repository root when the file is in
    /// it, else absolute, else the display name.
    pub fn path(&self) -> String {
        if let Some(p) = &self.repo_path {
            return p.clone();
        }
        if let Some(p) = &self.abs_path {
            return p.display().to_string();
        }
        self.display.clone()
    }
}

/// What a location is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocationKind {
    /// The resource's own `resource` or `data` block.
    Resource,
    /// The `module` block calling a module whose sources are not on disk.
    ModuleCall {
        /// The call's name (`vpc` in `module "vpc"`).
        name: String,
        /// Its `source` (`terraform-aws-modules/vpc/aws`), when known.
        source: Option<String>,
    },
    /// The resource's object in the plan JSON.
    Plan,
}

impl LocationKind {
    /// The short name machine-readable reports use.
    pub fn as_str(&self) -> &'static str {
        match self {
            LocationKind::Resource => "resource",
            LocationKind::ModuleCall { .. } => "module_call",
            LocationKind::Plan => "plan",
        }
    }
}

/// A place in a source file.
#[derive(Debug, Clone)]
pub struct Location {
    pub file: Arc<SourceFile>,
    /// The whole block or JSON object.
    pub span: Range<usize>,
    /// The part a person's eye goes to: the block header, or the `"address": ...` member.
    pub focus: Range<usize>,
    pub kind: LocationKind,
}

impl Location {
    pub fn start(&self) -> Position {
        self.file.position(self.span.start)
    }

    /// The position just after the span (SARIF's exclusive `endColumn`).
    pub fn end(&self) -> Position {
        self.file.position(self.span.end)
    }

    pub fn focus_start(&self) -> Position {
        self.file.position(self.focus.start)
    }

    /// `path:line:column` of the focus, as a person reads it.
    pub fn display(&self) -> String {
        let p = self.focus_start();
        format!("{}:{}:{}", self.file.display, p.line, p.column)
    }

    /// The text under the span: the whole block or object.
    pub fn snippet(&self) -> &str {
        &self.file.text()[self.span.clone()]
    }
}

/// A finding with where it lands.
#[derive(Debug, Clone)]
pub struct LocatedFinding {
    pub finding: Finding,
    pub location: Location,
    /// One location per entry of `finding.related`, in the same order.
    pub related: Vec<Location>,
}

/// Where to look for sources and how to name paths.
#[derive(Debug, Clone, Default)]
pub struct LocateOptions {
    /// The root module's directory (`--source-dir`). Default: the plan file's directory when it
    /// holds `.tf` files, else the current directory when it does, else no sources.
    pub source_dir: Option<PathBuf>,
    /// The directory SARIF and GitHub paths are relative to (`--repo-root`). Default: the git
    /// top-level of the source directory (or of the plan's directory without sources).
    pub repo_root: Option<PathBuf>,
    /// Human paths are shown relative to this directory when under it (the CLI passes the current
    /// directory). Default: relative to the repository root.
    pub display_base: Option<PathBuf>,
    /// Relative paths in the options and plan names resolve against this (default: the process's
    /// current directory).
    pub cwd: Option<PathBuf>,
    /// Read no `.tf` files: every location is in the plan JSON.
    pub no_sources: bool,
}

/// Locates findings. Shared between plans checked in parallel: parsed directories are cached.
#[derive(Debug)]
pub struct Locator {
    options: LocateOptions,
    cwd: PathBuf,
    dirs: Mutex<HashMap<(PathBuf, PathBuf), Arc<tf::TfDir>>>,
    /// What was found of a directory for the plans in it (see [`Locator::probe`]): many plans
    /// of one directory ask the same.
    probes: Mutex<HashMap<PathBuf, Arc<DirProbe>>>,
}

/// Whether a directory holds `.tf` files, and its git top-level, each looked for when first asked.
#[derive(Debug, Default)]
struct DirProbe {
    has_tf_files: OnceLock<bool>,
    git_toplevel: OnceLock<Option<PathBuf>>,
}

impl Locator {
    pub fn new(options: LocateOptions) -> Locator {
        let cwd = options
            .cwd
            .clone()
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("."));
        Locator {
            options,
            cwd,
            dirs: Mutex::new(HashMap::new()),
            probes: Mutex::new(HashMap::new()),
        }
    }

    /// Locates every finding of one plan's outcome, and sets aside those a `vpclint:ignore`
    /// comment in the sources suppresses.
    pub fn report(&self, plan: &Plan, outcome: Outcome) -> PlanReport {
        let mut pl = PlanLocator::new(self, plan);
        if pl.root_dir.is_none() {
            // Without sources every finding is located in the plan.
            pl.locate_in_plan_ahead(&outcome.findings);
        }
        let findings = outcome
            .findings
            .into_iter()
            .enumerate()
            .map(|(i, finding)| {
                release_now_and_then(&plan.source, i);
                let location = pl.locate(&finding.address);
                let related = finding
                    .related
                    .iter()
                    .map(|r| pl.locate(&r.address))
                    .collect();
                LocatedFinding {
                    finding,
                    location,
                    related,
                }
            })
            .collect();
        plan.source.release_pages();
        let split = pl.suppress(findings);
        PlanReport {
            name: plan.name.clone(),
            resources: plan.resources.len(),
            findings: split.findings,
            suppressed: split.suppressed,
            ignore_comments: split.ignore_comments,
            unchecked: outcome.unchecked,
            notes: pl.notes,
        }
    }

    /// What the plans of directory `dir` (canonical) need to know of it, each looked for once.
    fn probe(&self, dir: &Path) -> Arc<DirProbe> {
        let mut probes = self.probes.lock().unwrap_or_else(|e| e.into_inner());
        Arc::clone(probes.entry(dir.to_path_buf()).or_default())
    }

    fn has_tf_files(&self, dir: &Path) -> bool {
        *self
            .probe(dir)
            .has_tf_files
            .get_or_init(|| tf::has_tf_files(dir))
    }

    fn git_toplevel(&self, dir: &Path) -> Option<PathBuf> {
        let probe = self.probe(dir);
        probe.git_toplevel.get_or_init(|| git_toplevel(dir)).clone()
    }

    fn absolute(&self, path: &Path) -> PathBuf {
        let joined = if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.cwd.join(path)
        };
        canonical(&joined)
    }

    fn dir(&self, dir: &Path, repo_root: &Path) -> Arc<tf::TfDir> {
        let key = (dir.to_path_buf(), repo_root.to_path_buf());
        if let Some(d) = self
            .dirs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return Arc::clone(d);
        }
        // Parse outside the lock; two threads may parse the same directory once each.
        let parsed = Arc::new(tf::TfDir::read(dir, |p| self.names(p, repo_root)));
        let mut dirs = self.dirs.lock().unwrap_or_else(|e| e.into_inner());
        Arc::clone(dirs.entry(key).or_insert(parsed))
    }

    /// `(display, repo_path)` of an absolute path.
    fn names(&self, abs: &Path, repo_root: &Path) -> (String, Option<String>) {
        let repo_path = relative(abs, repo_root);
        let display = match &self.options.display_base {
            Some(base) => relative_with_parents(abs, &self.absolute(base)),
            None => repo_path.clone(),
        }
        .unwrap_or_else(|| abs.display().to_string());
        (display, repo_path)
    }
}

/// The blocks on a resource's way through the sources (see [`PlanLocator::source_path`]).
struct SourcePath {
    /// Each module call followed, outermost first: the directory holding its block, its name.
    calls: Vec<(Arc<tf::TfDir>, String)>,
    end: SourcePathEnd,
}

enum SourcePathEnd {
    /// The resource's own block, in this directory.
    Resource(Arc<tf::TfDir>, tf::BlockKey),
    /// A module whose code is not on disk (registry, git): its call is the last of `calls`.
    Module { source: Option<String> },
}

/// Locates the addresses of one plan, remembering what it found.
struct PlanLocator<'a> {
    locator: &'a Locator,
    plan: &'a Plan,
    root_dir: Option<PathBuf>,
    repo_root: PathBuf,
    plan_file: Option<Arc<SourceFile>>,
    /// Built only for resources the parser did not place (see [`Self::locate_plan`]).
    plan_index: Option<PlanJsonIndex>,
    memo: HashMap<String, Location>,
    notes: Vec<String>,
}

impl<'a> PlanLocator<'a> {
    fn new(locator: &'a Locator, plan: &'a Plan) -> Self {
        let plan_dir = plan_path(plan).and_then(|p| {
            let abs = locator.absolute(&p);
            abs.parent().map(Path::to_path_buf)
        });
        let root_dir = match &locator.options.source_dir {
            _ if locator.options.no_sources => None,
            Some(dir) => Some(locator.absolute(dir)),
            None => plan_dir
                .iter()
                .chain([&locator.cwd])
                .map(|d| canonical(d))
                .find(|d| locator.has_tf_files(d)),
        };
        let repo_root = match &locator.options.repo_root {
            Some(root) => locator.absolute(root),
            None => {
                let start = root_dir
                    .clone()
                    .or(plan_dir)
                    .unwrap_or_else(|| canonical(&locator.cwd));
                locator.git_toplevel(&start).unwrap_or(start)
            }
        };
        PlanLocator {
            locator,
            plan,
            root_dir,
            repo_root,
            plan_file: None,
            plan_index: None,
            memo: HashMap::new(),
            notes: Vec::new(),
        }
    }

    fn locate(&mut self, address: &str) -> Location {
        if let Some(l) = self.memo.get(address) {
            return l.clone();
        }
        // Synthetic nodes (`aws_vpc.main:main_route_table`) land on the resource they belong to.
        let parsed = Address::parse(address).or_else(|| {
            let (base, _) = address.rsplit_once(':')?;
            Address::parse(base)
        });
        let base = parsed
            .as_ref()
            .map(|a| a.to_string())
            .unwrap_or_else(|| address.to_string());
        let location = parsed
            .as_ref()
            .and_then(|a| self.locate_tf(a))
            .or_else(|| self.locate_plan(address))
            .or_else(|| self.locate_plan(&base))
            .unwrap_or_else(|| self.plan_start());
        self.memo.insert(address.to_string(), location.clone());
        location
    }

    fn dir(&mut self, dir: &Path) -> Arc<tf::TfDir> {
        let d = self.locator.dir(dir, &self.repo_root);
        for note in &d.notes {
            if !self.notes.contains(note) {
                self.notes.push(note.clone());
            }
        }
        d
    }

    fn locate_tf(&mut self, address: &Address) -> Option<Location> {
        let path = self.source_path(address)?;
        match path.end {
            SourcePathEnd::Resource(tf, key) => tf.location(&key, LocationKind::Resource),
            SourcePathEnd::Module { source } => {
                let (tf, name) = path.calls.last()?;
                tf.location(
                    &tf::BlockKey::Module(name.clone()),
                    LocationKind::ModuleCall {
                        name: name.clone(),
                        source,
                    },
                )
            }
        }
    }

    /// Follows a resource's module path through the sources: local module calls into their
    /// directory, until the resource's own block or a module whose source is not on disk.
    /// `None` without sources.
    fn source_path(&mut self, address: &Address) -> Option<SourcePath> {
        let mut dir = self.root_dir.clone()?;
        let mut calls = Vec::new();
        let mut config: Option<&ConfigModule> = Some(&self.plan.config.root);
        for step in address.module.0.iter() {
            let tf = self.dir(&dir);
            let call = config.and_then(|c| c.calls.get(&step.name));
            let source = call
                .and_then(|c| c.source.clone())
                .or_else(|| tf.module_sources.get(&step.name).cloned());
            calls.push((tf, step.name.clone()));
            match source {
                Some(source) if is_local_source(&source) => {
                    dir = canonical(&dir.join(&source));
                    config = call.map(|c| &c.module);
                }
                source => {
                    return Some(SourcePath {
                        calls,
                        end: SourcePathEnd::Module { source },
                    })
                }
            }
        }
        let key = match address.mode {
            Mode::Managed => tf::BlockKey::Resource(address.rtype.clone(), address.name.clone()),
            Mode::Data => tf::BlockKey::Data(address.rtype.clone(), address.name.clone()),
        };
        Some(SourcePath {
            calls,
            end: SourcePathEnd::Resource(self.dir(&dir), key),
        })
    }

    fn plan_index(&mut self) -> &PlanJsonIndex {
        self.plan_index
            .get_or_insert_with(|| PlanJsonIndex::build(&self.plan.source))
    }

    fn plan_file(&mut self) -> &Arc<SourceFile> {
        if self.plan_file.is_none() {
            let text = Arc::clone(&self.plan.source);
            let (display, repo_path, abs_path) = match plan_path(self.plan) {
                Some(p) => {
                    let abs = self.locator.absolute(&p);
                    let (display, repo_path) = self.locator.names(&abs, &self.repo_root);
                    let display =
                        if self.locator.options.display_base.is_none() && repo_path.is_none() {
                            self.plan.name.clone()
                        } else {
                            display
                        };
                    (display, repo_path, Some(abs))
                }
                None => (self.plan.name.clone(), None, None),
            };
            let file = SourceFile::new(display, repo_path, abs_path, SourceKind::Plan, text);
            self.plan_file = Some(Arc::new(file));
        }
        self.plan_file.as_ref().expect("set above")
    }

    /// Locates the resources of `findings` in the plan's text ahead, in parallel: from where the
    /// reading recorded each object ([`vpclint_plan::JsonEntry`]), else by reading the object again
    /// in a text whose pages may have been handed back, handing them back after every
    /// [`RELEASE_EVERY`] resources. Only for a plan without sources, where an address the parser
    /// placed is located there and nowhere else: [`Self::locate`] then finds it remembered. The
    /// others (synthetic nodes, resources the parser did not place) are left to it.
    fn locate_in_plan_ahead(&mut self, findings: &[vpclint_rules::Finding]) {
        use rayon::prelude::*;
        let mut addresses: Vec<&str> = findings
            .iter()
            .flat_map(|f| {
                std::iter::once(f.address.as_str())
                    .chain(f.related.iter().map(|r| r.address.as_str()))
            })
            .collect();
        addresses.sort_unstable();
        addresses.dedup();
        let plan = self.plan;
        let file = Arc::clone(self.plan_file());
        self.memo.reserve(addresses.len());
        for batch in addresses.chunks(RELEASE_EVERY) {
            let located: Vec<(String, Location)> = batch
                .par_iter()
                .filter_map(|address| {
                    let entry = recorded_in_plan(plan, address)?;
                    Some((address.to_string(), plan_location(&file, entry)))
                })
                .collect();
            self.memo.extend(located);
            plan.source.release_pages();
        }
    }

    fn locate_plan(&mut self, address: &str) -> Option<Location> {
        // Where the parser found the resource, when it did; else one pass over the whole text.
        let entry = match recorded_in_plan(self.plan, address) {
            Some(entry) => entry,
            None => self.plan_index().get(address)?.clone(),
        };
        Some(plan_location(self.plan_file(), entry))
    }

    /// The last resort: the plan's first character.
    fn plan_start(&mut self) -> Location {
        let file = self.plan_file();
        let end = file.text().chars().next().map_or(0, char::len_utf8);
        Location {
            file: Arc::clone(file),
            span: 0..end,
            focus: 0..end,
            kind: LocationKind::Plan,
        }
    }
}

fn plan_location(file: &Arc<SourceFile>, entry: plan_json::PlanJsonEntry) -> Location {
    Location {
        file: Arc::clone(file),
        span: entry.object,
        focus: entry.member,
        kind: LocationKind::Plan,
    }
}

/// Where the parser found the object of the resource at `address` in the plan's text, when it did.
fn recorded_in_plan(plan: &Plan, address: &str) -> Option<plan_json::PlanJsonEntry> {
    let resource = plan.resource(plan.by_address(address)?);
    if let Some(entry) = &resource.json_entry {
        return Some(plan_json::PlanJsonEntry {
            object: entry.object.clone(),
            member: entry.member.clone(),
            section: "",
        });
    }
    plan_json::object_at_address(&plan.source, resource.json_offset?)
}

/// The plan's file path, unless it came from standard input.
fn plan_path(plan: &Plan) -> Option<PathBuf> {
    if plan.name == "<stdin>" || plan.name.is_empty() {
        None
    } else {
        Some(PathBuf::from(&plan.name))
    }
}

/// Terraform's rule: a module source is a local path when it starts with `./` or `../`.
pub fn is_local_source(source: &str) -> bool {
    source == "."
        || source == ".."
        || source.starts_with("./")
        || source.starts_with("../")
        || source.starts_with(".\\")
        || source.starts_with("..\\")
}

/// The nearest ancestor (or `dir` itself) that holds a `.git` entry.
pub fn git_toplevel(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The canonical form of a path; a lexically normalised one when it does not exist.
fn canonical(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to `base`, `/`-separated, when it is under it.
fn relative(path: &Path, base: &Path) -> Option<String> {
    let rest = path.strip_prefix(base).ok()?;
    let parts: Vec<String> = rest
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        return Some(".".to_string());
    }
    Some(parts.join("/"))
}

/// `path` relative to `base`, going up with `..` when needed; `None` when they share only the
/// filesystem root.
fn relative_with_parents(path: &Path, base: &Path) -> Option<String> {
    if let Some(r) = relative(path, base) {
        return Some(r);
    }
    let p: Vec<Component> = path.components().collect();
    let b: Vec<Component> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let only_root = p[..common]
        .iter()
        .all(|c| matches!(c, Component::RootDir | Component::Prefix(_)));
    if only_root {
        return None;
    }
    let mut parts: Vec<String> = vec!["..".to_string(); b.len() - common];
    parts.extend(
        p[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        let p = Path::new("/work/main/fixtures/example/main.tf");
        assert_eq!(
            relative_with_parents(p, Path::new("/work/main")).as_deref(),
            Some("fixtures/example/main.tf")
        );
        assert_eq!(
            relative_with_parents(p, Path::new("/work/main/crates/vpclint")).as_deref(),
            Some("../../fixtures/example/main.tf")
        );
        assert_eq!(relative_with_parents(p, Path::new("/tmp/x")), None);
    }

    #[test]
    fn positions_on_one_long_line_match_a_plain_count() {
        // One line of several checkpoint blocks, with multi-byte characters across the block
        // boundaries, as `terraform show -json` writes a plan with non-ASCII tags.
        let text: String = (0..3 * 64 * 1024 / 7)
            .map(|i| if i % 5 == 0 { "é€ab" } else { "xy" })
            .collect();
        let f = SourceFile::new(
            "x".into(),
            None,
            None,
            SourceKind::Plan,
            Arc::new(text.clone().into()),
        );
        for offset in (0..text.len())
            .step_by(4093)
            .filter(|&o| text.is_char_boundary(o))
        {
            let column = text[..offset].chars().count() + 1;
            assert_eq!(
                f.position(offset),
                Position { line: 1, column },
                "at {offset}"
            );
        }
    }

    #[test]
    fn positions_count_code_points() {
        let f = SourceFile::new(
            "x".into(),
            None,
            None,
            SourceKind::Terraform,
            Arc::new("ab\né x\r\nlast".to_string().into()),
        );
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.position(3), Position { line: 2, column: 1 });
        // `é` is two bytes, one column.
        assert_eq!(f.position(6), Position { line: 2, column: 3 });
        assert_eq!(f.position(9), Position { line: 3, column: 1 });
        assert_eq!(f.line_range(4), 3..7);
        assert_eq!(f.position(100), Position { line: 3, column: 5 });
    }

    #[test]
    fn local_sources() {
        assert!(is_local_source("./modules/network"));
        assert!(is_local_source("../shared"));
        assert!(!is_local_source("terraform-aws-modules/vpc/aws"));
        assert!(!is_local_source("git::https://example.com/vpc.git"));
        assert!(!is_local_source("github.com/org/mod"));
    }
}
