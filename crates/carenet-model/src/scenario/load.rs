//! Loading scenario files: `extends`, deep merge, spans and diagnostics.
//!
//! Entry points: [`load_default`], [`load_file_from`], [`load_str_from`] return a
//! [`LoadedScenario`] (the validated [`Scenario`] and the files it came from) or a
//! [`ScenarioError`] whose diagnostics name file, line and column; [`template`]
//! writes the commented starting file of `carenet init`.
//!
//! How a file is read:
//!
//! 1. Each file is parsed with spans (`toml::de::DeTable`) into a tree whose every
//!    key and value remembers the file and byte range it came from.
//! 2. A top-level `extends = "other.toml"` (relative to the extending file's
//!    directory) or `extends = "builtin:wutong"` loads the parent first; chains
//!    are followed and cycles rejected.
//! 3. The trees are merged, parent first, onto a tree of the built-in defaults:
//!    tables merge key by key and the child's value wins; arrays (including
//!    `[[street]]` and `[[street.community]]`) are replaced whole. Because the
//!    defaults are at the bottom, a partial `[community_types.village]` keeps the
//!    village's other defaults.
//! 4. The merged tree is deserialised into [`Scenario`] through
//!    `serde_path_to_error`; an unknown key, wrong type or unknown value is
//!    reported at its key path, the offending entry dropped and the rest checked
//!    again, so several mistakes are reported at once.
//! 5. [`validate`] checks ranges; each [`Problem`] is mapped back to the line that
//!    set the value, or to the top of the file when the value is a default.
//!
//! ```
//! use carenet_model::scenario::load::{NoFiles, load_str_from};
//! let load_str = |text, label| load_str_from(text, label, None, &NoFiles);
//! let text = "extends = \"builtin:wutong\"\n[simulation]\nweeks = 104\n";
//! let loaded = load_str(text, "example.toml").unwrap();
//! assert_eq!(loaded.scenario.simulation.weeks, 104);
//!
//! let err = load_str("[simulation]\nweks = 104\n", "typo.toml").unwrap_err();
//! assert!(err.to_string().starts_with("error: typo.toml:2:1: unknown key `simulation.weks`"));
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use serde::de::{self, DeserializeSeed, IntoDeserializer, Unexpected, Visitor};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

pub use super::diag::ScenarioError;
use super::diag::{Diagnostic, MAX_DIAGNOSTICS, Position};
use super::registry::{self, Segment, key_string, parse_key};
use super::types::{CommunityType, Scenario};
use super::validate::{Problem, validate};

/// The default scenario, Wutong Street, as shipped in `scenarios/wutong.toml`
/// (written from the parameter registry; a test checks that it is current).
pub const DEFAULT_TOML: &str = include_str!("../../../../scenarios/wutong.toml");

/// How the embedded default file is named in messages and [`LoadedScenario::label`].
pub const BUILTIN_LABEL: &str = "<built-in wutong.toml>";

/// Built-in scenarios that `extends = "builtin:NAME"` accepts.
pub const BUILTINS: &[&str] = &["wutong"];

/// Longest chain of `extends` followed.
const MAX_EXTENDS_DEPTH: usize = 32;

/// A validated scenario and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedScenario {
    pub scenario: Scenario,
    /// The file and its `extends` chain, child first, as opened (relative paths
    /// stay relative). Built-in scenarios are not files and are not listed; for
    /// [`load_str`] the text itself is not a file either.
    pub files: Vec<PathBuf>,
    /// How the scenario is named in messages: the path given, the label given to
    /// [`load_str`], or [`BUILTIN_LABEL`].
    pub label: String,
}

/// The built-in Wutong Street scenario, parsed from [`DEFAULT_TOML`].
///
/// # Panics
///
/// Only if the embedded file is broken, which a test rules out.
pub fn load_default() -> LoadedScenario {
    let top = Pending {
        label: BUILTIN_LABEL.to_string(),
        text: DEFAULT_TOML.to_string(),
        path: None,
        dir: None,
        key: Some(FileKey::Builtin(BUILTINS[0].to_string())),
    };
    match load(top, &NoFiles) {
        Ok(loaded) => loaded,
        Err(e) => panic!("the built-in scenario is broken:\n{e}"),
    }
}

/// Where scenario files come from. The model reads no file itself: the caller
/// supplies this (`carenet-io` reads the disk; [`NoFiles`] refuses every path).
pub trait SourceFiles {
    /// The file's bytes.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// One name per file, whatever path reached it (detects `extends` cycles).
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf>;
}

/// A [`SourceFiles`] with no files: `extends` of a path fails, built-ins work.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoFiles;

impl SourceFiles for NoFiles {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        Err(io::Error::new(io::ErrorKind::Unsupported, format!("no files to read `{}` from", path.display())))
    }
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        self.read(path).map(|_| PathBuf::new())
    }
}

/// Reads, merges and validates the scenario in `path`, reading it and the
/// files it extends through `files`.
pub fn load_file_from(path: &Path, files: &dyn SourceFiles) -> Result<LoadedScenario, ScenarioError> {
    let label = path.display().to_string();
    let text = read_text(files, path)
        .map_err(|why| Diagnostic::new(format!("cannot read the scenario: {why}")).in_file(&label))?;
    let top = Pending {
        label,
        text,
        path: Some(path.to_path_buf()),
        dir: Some(parent_dir(path)),
        key: files.canonicalize(path).ok().map(FileKey::Path),
    };
    load(top, files)
}

/// Merges and validates a scenario given as text. `label` names it in messages;
/// a relative `extends` is resolved against `base_dir`, or against the current
/// directory when `base_dir` is `None`, and read through `files`.
pub fn load_str_from(
    text: &str,
    label: &str,
    base_dir: Option<&Path>,
    files: &dyn SourceFiles,
) -> Result<LoadedScenario, ScenarioError> {
    let top = Pending {
        label: label.to_string(),
        text: text.to_string(),
        path: None,
        dir: base_dir.map(Path::to_path_buf),
        key: None,
    };
    load(top, files)
}

pub use super::generate::template;

// ---------------------------------------------------------------------------
// The pipeline.

/// A file (or text) waiting to be parsed.
struct Pending {
    label: String,
    text: String,
    /// The path as opened, for [`LoadedScenario::files`].
    path: Option<PathBuf>,
    /// The directory a relative `extends` is resolved against.
    dir: Option<PathBuf>,
    /// Identity for cycle detection.
    key: Option<FileKey>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum FileKey {
    Builtin(String),
    Path(PathBuf),
}

/// A top-level `extends` found in a file.
struct Extends {
    target: String,
    file: usize,
    offset: usize,
}

fn load(top: Pending, source_files: &dyn SourceFiles) -> Result<LoadedScenario, ScenarioError> {
    let label = top.label.clone();
    let mut sources = Sources::default();
    let mut visited: Vec<(FileKey, String)> = Vec::new();
    let mut files = Vec::new();
    let mut layers = Vec::new();
    let mut pending = Some(top);
    while let Some(next) = pending.take() {
        let file = sources.add(next.label, next.text);
        if let Some(key) = next.key {
            visited.push((key, sources.label(file).to_string()));
        }
        files.extend(next.path);
        let (tree, extends) = parse_layer(&sources, file)?;
        // An empty file (or one of only comments) is more likely a mistake (a file
        // truncated, the wrong file) than a request for the built-in scenario.
        if extends.is_none() && matches!(&tree.value, Value::Table(t) if t.is_empty()) {
            return Err(sources
                .diagnostic_at(file, 0, "the scenario file sets nothing (it is empty or only comments)")
                .note("set at least one key (`carenet init FILE` writes a template), or give no file to run the built-in default scenario")
                .into());
        }
        layers.push(tree);
        if let Some(extends) = extends {
            if layers.len() > MAX_EXTENDS_DEPTH {
                return Err(sources
                    .diagnostic_at(file, extends.offset, "too many levels of `extends`")
                    .note(format!("at most {MAX_EXTENDS_DEPTH} files may extend one another"))
                    .into());
            }
            pending = Some(open_extends(&sources, &extends, next.dir.as_deref(), &visited, source_files)?);
        }
    }

    let mut tree = defaults_tree();
    for layer in layers.into_iter().rev() {
        merge(&mut tree, layer);
    }
    let streets_found = streets_without_communities(&tree, &sources);
    let (scenario, mut found) = deserialize(&mut tree, &sources);
    found.extend(streets_found);
    let Some(scenario) = scenario else {
        return Err(into_error(found));
    };
    // After deserialisation errors the tree holds stand-ins for the bad entries:
    // only report range problems in values that files actually wrote.
    let written_only = !found.is_empty();
    for problem in validate(&scenario) {
        let node = find(&tree, &parse_path(&problem.path));
        if written_only && !node.is_some_and(|n| matches!(n.origin, Origin::File { .. })) {
            continue;
        }
        found.push(problem_diagnostic(&problem, node, &sources));
    }
    if !found.is_empty() {
        return Err(into_error(found));
    }
    let mut scenario = scenario;
    scenario.expand_street_counts();
    Ok(LoadedScenario { scenario, files, label })
}

/// Every `[[street]]` a file wrote without a `[[street.community]]`: any other key of a
/// restated street may be left out (it takes the Wutong street's value), but a street
/// that silently took Wutong's 14 communities would be a different street.
fn streets_without_communities(tree: &Node, sources: &Sources) -> Vec<Found> {
    let Some(Node { value: Value::Array(streets), .. }) = find(tree, &[Segment::Key("street".into())]) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (i, street) in streets.iter().enumerate() {
        let Value::Table(table) = &street.value else { continue };
        if !matches!(street.origin, Origin::File { .. }) || table.contains_key("community") {
            continue;
        }
        let name = match table.get("name").map(|n| &n.value) {
            Some(Value::String(name)) => format!(" (\"{name}\")"),
            _ => String::new(),
        };
        let d = Diagnostic::new(format!("street[{i}]{name} has no [[street.community]]"))
            .note("allowed: at least one [[street.community]] table (name, type, elders) after each [[street]]");
        found.push(sources.place(d, Some(street), true));
    }
    found
}

/// A diagnostic and where it points, for sorting: (file index, byte offset).
struct Found {
    order: (usize, usize),
    diagnostic: Diagnostic,
}

/// Sorts diagnostics by file and position (defaults last) into an error.
fn into_error(mut found: Vec<Found>) -> ScenarioError {
    found.sort_by_key(|f| f.order);
    ScenarioError::new(found.into_iter().map(|f| f.diagnostic).collect())
}

/// Parses one file into a tree, taking out its top-level `extends`.
fn parse_layer(sources: &Sources, file: usize) -> Result<(Node, Option<Extends>), ScenarioError> {
    let text = sources.text(file);
    // Only the first syntax error: the ones after it are mostly its echoes.
    let document = DeTable::parse(text).map_err(|e| {
        let message = format!("invalid TOML: {}", e.message());
        match e.span() {
            Some(span) => sources.diagnostic_at(file, span.start, message),
            // The parser's depth limit has no span: point at where the nesting gets too deep.
            None if e.message().contains("recursion limit") => {
                let offset = too_deep(text).unwrap_or(0);
                sources
                    .diagnostic_at(file, offset, "invalid TOML: nested too deeply")
                    .note(format!("at most {TOML_DEPTH} levels of tables, arrays and dotted-key parts"))
            }
            None => Diagnostic::new(message).in_file(sources.label(file)).at(Position { line: 1, column: 1 }),
        }
    })?;
    let span = document.span();
    let root = document.into_inner();
    let mut tree = Node {
        value: Value::Table(convert_table(&root, file)),
        origin: Origin::File { file, key: None, value: span.start },
        end: Some(span.end),
    };
    let extends = match &mut tree.value {
        Value::Table(table) => table.remove("extends"),
        _ => None,
    };
    let extends = match extends {
        None => None,
        Some(Node { value: Value::String(target), origin, .. }) => {
            Some(Extends { target, file, offset: origin.value_offset().unwrap_or(0) })
        }
        Some(node) => {
            let offset = node.origin.value_offset().unwrap_or(0);
            return Err(sources
                .diagnostic_at(file, offset, "`extends` must be a string")
                .note("allowed: a path relative to this file, or \"builtin:wutong\"")
                .into());
        }
    };
    Ok((tree, extends))
}

/// The TOML parser's limit on nesting (arrays, inline tables and the parts of a dotted key).
const TOML_DEPTH: usize = 80;

/// The byte offset where `text` first nests [`TOML_DEPTH`] levels deep, counting open
/// brackets and braces and the dots of the key being written (outside strings and
/// comments), or `None`.
fn too_deep(text: &str) -> Option<usize> {
    let (mut depth, mut dots) = (0usize, 0usize);
    let mut quote: Option<char> = None;
    let mut chars = text.char_indices();
    while let Some((i, ch)) = chars.next() {
        match (quote, ch) {
            (Some('"'), '\\') => {
                chars.next();
            }
            (Some(q), ch) if ch == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(ch),
            (None, '#') => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                dots = 0;
            }
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            (None, '.') => dots += 1,
            (None, '\n' | '=' | ',') => dots = 0,
            _ => {}
        }
        if depth + dots >= TOML_DEPTH {
            return Some(i);
        }
    }
    None
}

/// The note of a failing `extends`: the folder its path is resolved against.
fn resolved_note(target: &str, dir: Option<&Path>) -> String {
    match dir.map(|d| d.display().to_string()) {
        Some(d) if !d.is_empty() && d != "." => {
            format!("`{target}` is resolved against the folder of the file that names it, `{d}`")
        }
        _ => format!("`{target}` is resolved against the current folder"),
    }
}

/// Finds and reads the file an `extends` names.
fn open_extends(
    sources: &Sources,
    extends: &Extends,
    dir: Option<&Path>,
    visited: &[(FileKey, String)],
    files: &dyn SourceFiles,
) -> Result<Pending, ScenarioError> {
    let at = |message: String| sources.diagnostic_at(extends.file, extends.offset, message);
    let target = &extends.target;
    let (key, label, path) = if let Some(name) = target.strip_prefix("builtin:") {
        if !BUILTINS.contains(&name) {
            let allowed: Vec<String> = BUILTINS.iter().map(|b| format!("builtin:{b}")).collect();
            return Err(at(format!("unknown built-in scenario `{target}`"))
                .note(format!("allowed: {}", allowed.join(", ")))
                .into());
        }
        (FileKey::Builtin(name.to_string()), BUILTIN_LABEL.to_string(), None)
    } else {
        let path = match dir {
            Some(dir) => dir.join(target),
            None => PathBuf::from(target),
        };
        let label = path.display().to_string();
        let canonical = files.canonicalize(&path).map_err(|e| {
            at(format!("cannot read the extended file `{label}`: {e}")).note(resolved_note(target, dir))
        })?;
        (FileKey::Path(canonical), label, Some(path))
    };
    if let Some(first) = visited.iter().position(|(k, _)| *k == key) {
        let mut chain: Vec<&str> = visited[first..].iter().map(|(_, l)| l.as_str()).collect();
        chain.push(&label);
        return Err(at(format!("`extends` makes a cycle: {}", chain.join(" → ")))
            .note("a scenario cannot extend itself, directly or through other files")
            .into());
    }
    let (text, dir) = match &path {
        Some(path) => {
            let text = read_text(files, path).map_err(|why| {
                at(format!("cannot read the extended file `{label}`: {why}")).note(resolved_note(target, dir))
            })?;
            (text, Some(parent_dir(path)))
        }
        None => (DEFAULT_TOML.to_string(), None),
    };
    Ok(Pending { label, text, path, dir, key: Some(key) })
}

/// The directory a file's relative `extends` is resolved against.
fn parent_dir(path: &Path) -> PathBuf {
    path.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Reads a file as UTF-8, saying where the first invalid byte is.
fn read_text(files: &dyn SourceFiles, path: &Path) -> Result<String, String> {
    let bytes = files.read(path).map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(&e.into_bytes()[..valid]).into_owned();
        let p = Position::from_offset(&text, valid);
        format!("not valid UTF-8 (line {}, column {})", p.line, p.column)
    })
}

// ---------------------------------------------------------------------------
// Source files and positions.

#[derive(Default)]
struct Sources {
    files: Vec<(String, String)>,
}

impl Sources {
    fn add(&mut self, label: String, text: String) -> usize {
        self.files.push((label, text));
        self.files.len() - 1
    }

    fn label(&self, file: usize) -> &str {
        self.files.get(file).map_or("", |(label, _)| label)
    }

    fn text(&self, file: usize) -> &str {
        self.files.get(file).map_or("", |(_, text)| text)
    }

    fn diagnostic_at(&self, file: usize, offset: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(message).in_file(self.label(file)).at(Position::from_offset(self.text(file), offset))
    }

    /// Places `d` at `node` (its key when `at_key`, else its value). A value that
    /// no file wrote is placed at the start of the top file, with a note.
    fn place(&self, d: Diagnostic, node: Option<&Node>, at_key: bool) -> Found {
        match node.map(|n| n.origin) {
            Some(Origin::File { file, key, value }) => {
                let offset = if at_key { key.unwrap_or(value) } else { value };
                let position = Position::from_offset(self.text(file), offset);
                let diagnostic = Diagnostic { file: Some(self.label(file).to_string()), position: Some(position), ..d };
                Found { order: (file, offset), diagnostic }
            }
            _ => {
                let diagnostic = Diagnostic {
                    file: Some(self.label(0).to_string()),
                    position: Some(Position { line: 1, column: 1 }),
                    ..d
                }
                .note("this value is not set in any file: it comes from the built-in defaults");
                Found { order: (usize::MAX, 0), diagnostic }
            }
        }
    }

    /// The text a value was written as, if short enough to quote on one line.
    fn snippet(&self, node: Option<&Node>) -> Option<&str> {
        let Some(Origin::File { file, value, .. }) = node.map(|n| n.origin) else {
            return None;
        };
        let rest = self.text(file).get(value..)?;
        let end = node.and_then(|n| n.end).unwrap_or(rest.len());
        let text = rest.get(..end.saturating_sub(value))?.trim();
        (!text.is_empty() && text.len() <= 60 && !text.contains('\n')).then_some(text)
    }
}

// ---------------------------------------------------------------------------
// The merged tree.

/// Where a node came from: a file (byte offsets of its key and value) or the
/// built-in defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Origin {
    Defaults,
    File { file: usize, key: Option<usize>, value: usize },
}

impl Origin {
    fn value_offset(self) -> Option<usize> {
        match self {
            Origin::File { value, .. } => Some(value),
            Origin::Defaults => None,
        }
    }
}

#[derive(Debug, Clone)]
struct Node {
    value: Value,
    origin: Origin,
    /// End offset of the value in its file, for quoting it.
    end: Option<usize>,
}

#[derive(Debug, Clone)]
enum Value {
    String(String),
    Integer(i128),
    /// An integer too large for any numeric field, kept as written.
    BadNumber(String),
    Float(f64),
    Boolean(bool),
    /// A date or time: no scenario field takes one.
    Datetime,
    Array(Vec<Node>),
    Table(BTreeMap<String, Node>),
}

fn convert_table(table: &DeTable<'_>, file: usize) -> BTreeMap<String, Node> {
    table.iter().map(|(key, value)| (key.get_ref().to_string(), convert(value, file, Some(key.span().start)))).collect()
}

fn convert(v: &Spanned<DeValue<'_>>, file: usize, key: Option<usize>) -> Node {
    let span = v.span();
    let value = match v.get_ref() {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => match i128::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Value::Integer(n),
            Err(_) => Value::BadNumber(i.to_string()),
        },
        DeValue::Float(f) => match parse_float(f.as_str()) {
            Some(x) => Value::Float(x),
            None => Value::BadNumber(f.to_string()),
        },
        DeValue::Boolean(b) => Value::Boolean(*b),
        DeValue::Datetime(_) => Value::Datetime,
        DeValue::Array(items) => Value::Array(items.iter().map(|e| convert(e, file, None)).collect()),
        DeValue::Table(table) => Value::Table(convert_table(table, file)),
    };
    Node { value, origin: Origin::File { file, key, value: span.start }, end: Some(span.end) }
}

/// A TOML float (`1.5`, `1e300`, `inf`, `-nan`); literals too large for f64
/// become infinite, which validation then rejects.
fn parse_float(s: &str) -> Option<f64> {
    let unsigned = s.trim_start_matches(['+', '-']);
    match unsigned {
        "nan" => Some(f64::NAN),
        "inf" if s.starts_with('-') => Some(f64::NEG_INFINITY),
        "inf" => Some(f64::INFINITY),
        _ => s.replace('_', "").parse().ok(),
    }
}

/// The built-in defaults as a tree, so that files merge onto them key by key.
fn defaults_tree() -> Node {
    match toml::Value::try_from(Scenario::default()) {
        Ok(v) => from_toml(&v),
        Err(_) => Node { value: Value::Table(BTreeMap::new()), origin: Origin::Defaults, end: None },
    }
}

fn from_toml(v: &toml::Value) -> Node {
    let value = match v {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::Integer(i128::from(*i)),
        toml::Value::Float(f) => Value::Float(*f),
        toml::Value::Boolean(b) => Value::Boolean(*b),
        toml::Value::Datetime(_) => Value::Datetime,
        toml::Value::Array(items) => Value::Array(items.iter().map(from_toml).collect()),
        toml::Value::Table(t) => Value::Table(t.iter().map(|(k, v)| (k.clone(), from_toml(v))).collect()),
    };
    Node { value, origin: Origin::Defaults, end: None }
}

/// Merges `over` into `base`: tables key by key, anything else replaced whole.
fn merge(base: &mut Node, over: Node) {
    let Node { value, origin, end } = over;
    match (&mut base.value, value) {
        (Value::Table(base_table), Value::Table(over_table)) => {
            for (key, child) in over_table {
                match base_table.get_mut(&key) {
                    Some(existing) => merge(existing, child),
                    None => {
                        base_table.insert(key, child);
                    }
                }
            }
            base.origin = origin;
            base.end = end;
        }
        (_, value) => *base = Node { value, origin, end },
    }
}

fn path_string(path: &[Segment]) -> String {
    key_string(path)
}

/// Parses `street[0].community[3].elders` (the form [`Problem::path`] uses); a
/// malformed path finds nothing.
/// An `[uncertainty]` key is one (quoted) key of that table, whatever dots or indices it
/// holds: `uncertainty.needs.help_hours[2]` is `["uncertainty", "needs.help_hours[2]"]`.
fn parse_path(path: &str) -> Vec<Segment> {
    if let Some(key) = path.strip_prefix("uncertainty.") {
        return vec![Segment::Key("uncertainty".into()), Segment::Key(key.into())];
    }
    parse_key(path).unwrap_or_default()
}

fn find<'a>(mut node: &'a Node, path: &[Segment]) -> Option<&'a Node> {
    for segment in path {
        node = match (segment, &node.value) {
            (Segment::Key(k), Value::Table(t)) => t.get(k)?,
            (Segment::Index(i), Value::Array(a)) => a.get(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

fn find_mut<'a>(mut node: &'a mut Node, path: &[Segment]) -> Option<&'a mut Node> {
    for segment in path {
        node = match (segment, &mut node.value) {
            (Segment::Key(k), Value::Table(t)) => t.get_mut(k)?,
            (Segment::Index(i), Value::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

/// Removes the entry at `path` (which must end in a key); true if it existed.
fn remove(root: &mut Node, path: &[Segment]) -> bool {
    let Some((Segment::Key(last), parent)) = path.split_last() else {
        return false;
    };
    match find_mut(root, parent).map(|n| &mut n.value) {
        Some(Value::Table(t)) => t.remove(last).is_some(),
        _ => false,
    }
}

/// Puts a stand-in at `path`, a required key that is missing: the default
/// value at the same path with every array index 0. True if it was put.
fn fill(root: &mut Node, path: &[Segment], defaults: &Node) -> bool {
    let Some((Segment::Key(last), parent)) = path.split_last() else {
        return false;
    };
    let first_of_each: Vec<Segment> = path
        .iter()
        .map(|s| match s {
            Segment::Index(_) => Segment::Index(0),
            key => key.clone(),
        })
        .collect();
    let Some(stand_in) = find(defaults, &first_of_each) else {
        return false;
    };
    match find_mut(root, parent).map(|n| &mut n.value) {
        Some(Value::Table(t)) if !t.contains_key(last) => {
            t.insert(last.clone(), stand_in.clone());
            true
        }
        _ => false,
    }
}

/// `path` without trailing array indices: the entry to drop after an error.
fn owning_key(path: &[Segment]) -> Vec<Segment> {
    let mut out = path.to_vec();
    while matches!(out.last(), Some(Segment::Index(_))) {
        out.pop();
    }
    out
}

// ---------------------------------------------------------------------------
// Deserialisation and its errors.

/// Deserialises the merged tree, reporting every error it can: after each one the offending entry is dropped (or a missing required key
/// filled with a stand-in) and the tree tried again. Returns the scenario if the
/// tree could finally be read, and the errors found on the way.
fn deserialize(tree: &mut Node, sources: &Sources) -> (Option<Scenario>, Vec<Found>) {
    let defaults = defaults_tree();
    let mut found = Vec::new();
    let mut dropped: Vec<Vec<Segment>> = Vec::new();
    // Every round drops an entry or fills a missing key, so this ends; the
    // bound only caps the work on pathological files. Going past
    // MAX_DIAGNOSTICS lets the error say how many more problems there are.
    for _ in 0..10 * MAX_DIAGNOSTICS {
        let error = match serde_path_to_error::deserialize::<_, Scenario>(NodeDeserializer(tree)) {
            Ok(scenario) => return (Some(scenario), found),
            Err(e) => e,
        };
        let path: Vec<Segment> = error
            .path()
            .iter()
            .filter_map(|s| match s {
                serde_path_to_error::Segment::Seq { index } => Some(Segment::Index(*index)),
                serde_path_to_error::Segment::Map { key } => Some(Segment::Key(key.clone())),
                serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => None,
            })
            .collect();
        let error = error.into_inner();
        let repaired = if let DeError::MissingField(field) = &error {
            let mut full = path.clone();
            full.push(Segment::Key(field.to_string()));
            // A key an earlier error dropped was reported then.
            if !dropped.contains(&full) {
                found.push(describe(&error, &path, tree, sources).0);
            }
            fill(tree, &full, &defaults)
        } else {
            let (diagnostic, drop) = describe(&error, &path, tree, sources);
            found.push(diagnostic);
            match drop {
                Some(drop) => {
                    let removed = remove(tree, &drop);
                    dropped.push(drop);
                    removed
                }
                None => false,
            }
        };
        if !repaired {
            break;
        }
    }
    (None, found)
}

/// Turns a deserialisation error at `path` into a diagnostic, and says which
/// entry to drop before trying again.
fn describe(error: &DeError, path: &[Segment], tree: &Node, sources: &Sources) -> (Found, Option<Vec<Segment>>) {
    let node = find(tree, path);
    let shown = if path.is_empty() { "the top level".to_string() } else { path_string(path) };
    let quoted = |fallback: &str| sources.snippet(node).unwrap_or(fallback).to_string();
    match error {
        DeError::UnknownField { field, expected } => {
            let mut container = path.to_vec();
            if container.last() == Some(&Segment::Key(field.clone())) {
                container.pop();
            }
            let mut full = container.clone();
            full.push(Segment::Key(field.clone()));
            let mut allowed: Vec<&str> = expected.to_vec();
            if container.is_empty() {
                allowed.push("extends");
            }
            let mut d = Diagnostic::new(format!("unknown key `{}`", path_string(&full)));
            if let Some(best) = suggest(field, &allowed) {
                d = d.note(format!("did you mean `{best}`?"));
            }
            d = d.note(format!("allowed keys: {}", allowed.join(", ")));
            (sources.place(d, find(tree, &full), true), Some(full))
        }
        DeError::UnknownVariant { variant, expected } => {
            let mut d = Diagnostic::new(format!("{shown} = {variant:?} is not an allowed value"));
            if let Some(best) = suggest(variant, expected) {
                d = d.note(format!("did you mean `{best}`?"));
            }
            d = d.note(format!("allowed: {}", expected.join(", ")));
            (sources.place(d, node, false), Some(owning_key(path)))
        }
        DeError::InvalidType { found, expected } => {
            let d = Diagnostic::new(format!("{shown} has the wrong type"))
                .note(format!("found: {found}"))
                .note(format!("expected: {}", allowed_at(path, expected)));
            (sources.place(d, node, false), Some(owning_key(path)))
        }
        DeError::InvalidValue { found, expected } => {
            let d = Diagnostic::new(format!("{shown} = {} is out of range", quoted(found)))
                .note(format!("allowed: {}", allowed_at(path, expected)));
            (sources.place(d, node, false), Some(owning_key(path)))
        }
        DeError::InvalidLength { len, expected } => {
            let d = Diagnostic::new(format!("{shown} has {len} element{}", plural(*len)))
                .note(format!("expected: {}", humanize_expected(expected)));
            (sources.place(d, node, false), Some(owning_key(path)))
        }
        DeError::MissingField(field) => {
            let mut d = Diagnostic::new(if path.is_empty() {
                format!("missing the required key `{field}`")
            } else {
                format!("{shown} is missing the required key `{field}`")
            });
            if matches!(path, [.., Segment::Key(k), Segment::Index(_)] if k == "community") {
                d = d.note("each [[street.community]] needs `name`, `type` and `elders`");
            }
            (sources.place(d, node, false), None)
        }
        DeError::Custom(message) => {
            let d = Diagnostic::new(format!("{shown}: {message}"));
            (sources.place(d, node, false), Some(owning_key(path)))
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The closest allowed name to a misspelt one, if any is close.
fn suggest<'a>(word: &str, allowed: &[&'a str]) -> Option<&'a str> {
    registry::suggest(word, allowed.iter().copied())
}

/// What the key at `path` allows: for an integer, its registry range (the same words
/// as validation and `carenet explain` use), not the limits of its type.
fn allowed_at(path: &[Segment], expected: &str) -> String {
    if matches!(expected, "u32" | "u64") {
        let allowed = registry::lookup(&path_string(path)).map(|p| p.check.allowed()).unwrap_or_default();
        if !allowed.is_empty() {
            return allowed;
        }
    }
    humanize_expected(expected)
}

/// Serde's names for what it expected, in the words of a TOML file.
fn humanize_expected(expected: &str) -> String {
    match expected {
        "u32" => format!("an integer from 0 to {}", u32::MAX),
        "u64" => format!("an integer from 0 to {}", u64::MAX),
        "f64" => "a number".to_string(),
        "a boolean" => "true or false".to_string(),
        "a sequence" => "an array".to_string(),
        "enum CommunityType" => {
            let names: Vec<&str> = CommunityType::ALL.iter().map(|t| t.as_str()).collect();
            format!("a string: one of {}", names.join(", "))
        }
        _ if expected.starts_with("struct ") => "a table".to_string(),
        _ => expected.to_string(),
    }
}

/// The kind of a TOML value, for "found: …".
fn describe_unexpected(u: &Unexpected<'_>) -> String {
    match u {
        Unexpected::Bool(b) => format!("the boolean {b}"),
        Unexpected::Unsigned(n) => format!("the integer {n}"),
        Unexpected::Signed(n) => format!("the integer {n}"),
        Unexpected::Float(x) if x.abs() >= 1e9 => format!("the float {x:e}"),
        Unexpected::Float(x) => format!("the float {x}"),
        Unexpected::Str(s) => format!("the string {s:?}"),
        Unexpected::Seq => "an array".to_string(),
        Unexpected::Map => "a table".to_string(),
        other => other.to_string(),
    }
}

/// What went wrong while deserialising, kept structured for the messages.
#[derive(Debug)]
enum DeError {
    UnknownField { field: String, expected: &'static [&'static str] },
    UnknownVariant { variant: String, expected: &'static [&'static str] },
    InvalidType { found: String, expected: String },
    InvalidValue { found: String, expected: String },
    InvalidLength { len: usize, expected: String },
    MissingField(&'static str),
    Custom(String),
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeError::UnknownField { field, .. } => write!(f, "unknown key `{field}`"),
            DeError::UnknownVariant { variant, .. } => write!(f, "unknown value {variant:?}"),
            DeError::InvalidType { found, expected } => {
                write!(f, "found {found}, expected {expected}")
            }
            DeError::InvalidValue { found, expected } => {
                write!(f, "invalid value {found}, expected {expected}")
            }
            DeError::InvalidLength { len, expected } => {
                write!(f, "{len} elements, expected {expected}")
            }
            DeError::MissingField(field) => write!(f, "missing key `{field}`"),
            DeError::Custom(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        DeError::Custom(message.to_string())
    }

    fn invalid_type(unexpected: Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        DeError::InvalidType { found: describe_unexpected(&unexpected), expected: expected.to_string() }
    }

    fn invalid_value(unexpected: Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        DeError::InvalidValue { found: unexpected.to_string(), expected: expected.to_string() }
    }

    fn invalid_length(len: usize, expected: &dyn de::Expected) -> Self {
        DeError::InvalidLength { len, expected: expected.to_string() }
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        DeError::UnknownVariant { variant: variant.to_string(), expected }
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        DeError::UnknownField { field: field.to_string(), expected }
    }

    fn missing_field(field: &'static str) -> Self {
        DeError::MissingField(field)
    }
}

/// A serde deserializer over a [`Node`].
struct NodeDeserializer<'a>(&'a Node);

impl NodeDeserializer<'_> {
    fn unexpected(&self) -> Unexpected<'_> {
        match &self.0.value {
            Value::String(s) => Unexpected::Str(s),
            Value::Integer(n) => match i64::try_from(*n) {
                Ok(n) => Unexpected::Signed(n),
                Err(_) => Unexpected::Other("a very large integer"),
            },
            Value::BadNumber(_) => Unexpected::Other("a very large number"),
            Value::Float(x) => Unexpected::Float(*x),
            Value::Boolean(b) => Unexpected::Bool(*b),
            Value::Datetime => Unexpected::Other("a date-time"),
            Value::Array(_) => Unexpected::Seq,
            Value::Table(_) => Unexpected::Map,
        }
    }
}

impl<'de> de::Deserializer<'de> for NodeDeserializer<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.0.value {
            Value::String(s) => visitor.visit_str(s),
            Value::Integer(n) => {
                if let Ok(n) = i64::try_from(*n) {
                    visitor.visit_i64(n)
                } else if let Ok(n) = u64::try_from(*n) {
                    visitor.visit_u64(n)
                } else {
                    Err(too_large(&n.to_string()))
                }
            }
            Value::BadNumber(text) => Err(too_large(text)),
            Value::Float(x) => visitor.visit_f64(*x),
            Value::Boolean(b) => visitor.visit_bool(*b),
            Value::Datetime => Err(de::Error::invalid_type(self.unexpected(), &visitor)),
            Value::Array(items) => visitor.visit_seq(SeqAccess { items: items.iter() }),
            Value::Table(table) => visitor.visit_map(MapAccess { entries: table.iter(), value: None }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, DeError> {
        if let Value::Array(items) = &self.0.value
            && items.len() != len
        {
            return Err(DeError::InvalidLength {
                len: items.len(),
                expected: format!("an array of exactly {len} element{}", plural(len)),
            });
        }
        self.deserialize_any(visitor)
    }

    /// Structs come from tables only: serde would also read them from arrays,
    /// field by field, which no scenario file means.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match &self.0.value {
            Value::Table(_) => self.deserialize_any(visitor),
            _ => Err(de::Error::invalid_type(self.unexpected(), &visitor)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match &self.0.value {
            Value::String(s) => visitor.visit_enum(IntoDeserializer::<'de, DeError>::into_deserializer(s.as_str())),
            _ => Err(de::Error::invalid_type(self.unexpected(), &visitor)),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple_struct map identifier ignored_any
    }
}

fn too_large(text: &str) -> DeError {
    DeError::InvalidValue {
        found: format!("integer `{text}`"),
        expected: "a number that fits in 64 bits (write large values as floats, e.g. 1e20)".to_string(),
    }
}

struct SeqAccess<'a> {
    items: std::slice::Iter<'a, Node>,
}

impl<'de> de::SeqAccess<'de> for SeqAccess<'_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, DeError> {
        self.items.next().map(|node| seed.deserialize(NodeDeserializer(node))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapAccess<'a> {
    entries: std::collections::btree_map::Iter<'a, String, Node>,
    value: Option<&'a Node>,
}

impl<'de> de::MapAccess<'de> for MapAccess<'_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, DeError> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(IntoDeserializer::<'de, DeError>::into_deserializer(key.as_str())).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match self.value.take() {
            Some(node) => seed.deserialize(NodeDeserializer(node)),
            None => Err(DeError::Custom("a value was read before its key".to_string())),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

// ---------------------------------------------------------------------------
// Validation problems.

fn problem_diagnostic(problem: &Problem, node: Option<&Node>, sources: &Sources) -> Found {
    let mut d = Diagnostic::new(format!("{} {}", problem.path, problem.message));
    if !problem.allowed.is_empty() {
        d = d.note(format!("allowed: {}", problem.allowed));
    }
    sources.place(d, node, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip() {
        let path = "street[0].community[3].elders";
        assert_eq!(path_string(&parse_path(path)), path);
        assert_eq!(path_string(&parse_path("population.age_mix[1]")), "population.age_mix[1]");
    }

    #[test]
    fn floats_parse_like_toml() {
        assert!(parse_float("nan").is_some_and(f64::is_nan));
        assert!(parse_float("-nan").is_some_and(f64::is_nan));
        assert_eq!(parse_float("-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_float("+inf"), Some(f64::INFINITY));
        assert_eq!(parse_float("1_000.5"), Some(1000.5));
        assert_eq!(parse_float("1e400"), Some(f64::INFINITY));
    }

    #[test]
    fn suggestions_need_a_close_match() {
        assert_eq!(suggest("rise_weekyl", &["rise_weekly", "fall_weekly"]), Some("rise_weekly"));
        assert_eq!(suggest("Weeks", &["weeks", "reps"]), Some("weeks"));
        assert_eq!(suggest("zzz", &["weeks", "reps"]), None);
    }

    #[test]
    fn the_defaults_tree_deserialises_to_the_defaults() {
        let mut tree = defaults_tree();
        let sources = Sources::default();
        let (scenario, found) = deserialize(&mut tree, &sources);
        assert!(found.is_empty());
        assert_eq!(scenario, Some(Scenario::default()));
    }
}
