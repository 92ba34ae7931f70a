//! Texts written from the parameter [`registry`]: the shipped scenario file
//! (`scenarios/wutong.toml`, [`scenario_toml`]), the `carenet init` template
//! ([`template`]), `carenet explain KEY` ([`explain`]), docs/parameters.md
//! ([`markdown`]) and the JSON Schema of scenario files ([`schema`],
//! `scenarios/carenet.schema.json`). Tests check that the committed files equal
//! what these functions write, so none of them is edited by hand.

use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use super::defaults::{LEVER_NAMES, default_packages};
use super::registry::{self, Bound, Check, Kind, PARAMS, Param, TABLES};
use super::types::{CommunityType, Street};

/// The `#:schema` directive (taplo, Even Better TOML) of a scenario file next to
/// the schema; files in sub-directories name `../carenet.schema.json`.
pub const SCHEMA_DIRECTIVE: &str = "#:schema ./carenet.schema.json";

/// The schema's file name.
pub const SCHEMA_FILE: &str = "carenet.schema.json";

/// Comment lines wrap at this width.
const WIDTH: usize = 84;

const TOML_HEADER: &str = "\
# Wutong Street (梧桐街道), High-tech Zone, Zhengzhou: carenet's default scenario.
#
# The baseline of the community mutual-aid elderly-care system described by
# Liang & Li (2024), Aging Research 11(6), doi:10.12677/ar.2024.116422: one street
# of 14 communities of three types (commodity-housing estates, administrative
# villages, village-to-residence resettlement communities) sharing a social-
# organisation contract and a pool of university-student volunteers, with party
# members, capable elders helping neighbours, families and a market of paid
# services. No policy lever is switched on.
#
# Every key of the scenario is stated here with its default. This file is
# written from the parameter registry (crates/carenet-model/src/scenario/
# registry.rs) by `carenet explain --toml`; do not edit it by hand (a test checks
# it). Each key has a comment with its unit, meaning and either its source or
# \"assumption\"; docs/parameters.md gives the full references.
#
# Units: hours are hours per week unless a name says otherwise; money is yuan;
# `annual_*` values are per year (the model converts them to weekly hazards);
# `*_weekly` values are per week. State arrays are ordered independent,
# IADL-limited, semi-disabled, disabled; grade arrays are ordered grade 1, 2, 3.
";

const TEMPLATE_HEADER: &str = r#"# A carenet scenario, started with `carenet init`.
#
# It extends the built-in Wutong Street scenario (scenarios/wutong.toml). Every
# setting is listed below, commented out, with its default value and meaning:
# uncomment and change only what you need; everything else is inherited. Tables
# merge key by key, but arrays are replaced whole, including the [[street]]
# block and its [[street.community]] tables: to change one community, uncomment
# the whole street. Set `name` to choose the output directory (output/<name>/).
# `carenet explain KEY` says more about any key. The first line lets editors
# that read taplo's directive check and complete the file against
# carenet.schema.json (`carenet init` writes it next to this file).
#
# Units: hours are hours per week unless a name says otherwise; money is yuan;
# `annual_*` values are per year; `*_weekly` values are per week. State arrays
# are ordered independent, IADL-limited, semi-disabled, disabled; grade arrays
# are ordered grade 1, 2, 3.
#
# Check the file with `carenet validate FILE`.

extends = "builtin:wutong"

"#;

/// Appends `text` as `# ` comment lines wrapped at [`WIDTH`] characters. Lines
/// of a paragraph are joined; a blank line separates paragraphs, and a rule
/// (`---…`) stays on its own line.
fn comment(out: &mut String, text: &str) {
    enum Block {
        Paragraph(String),
        Rule(String),
        Blank,
    }
    let mut blocks: Vec<Block> = Vec::new();
    for line in text.lines().map(str::trim) {
        match blocks.last_mut() {
            _ if line.starts_with("---") => blocks.push(Block::Rule(line.to_string())),
            Some(Block::Blank) | None if line.is_empty() => {}
            _ if line.is_empty() => blocks.push(Block::Blank),
            Some(Block::Paragraph(p)) => {
                p.push(' ');
                p.push_str(line);
            }
            _ => blocks.push(Block::Paragraph(line.to_string())),
        }
    }
    if matches!(blocks.last(), Some(Block::Blank)) {
        blocks.pop();
    }
    for block in blocks {
        match block {
            Block::Blank => out.push_str("#\n"),
            Block::Rule(rule) => {
                out.push_str("# ");
                out.push_str(&rule);
                out.push('\n');
            }
            Block::Paragraph(paragraph) => {
                let mut line = String::from("#");
                let mut width = 1;
                for word in paragraph.split_whitespace() {
                    let w = word.chars().count();
                    if width > 1 && width + 1 + w > WIDTH {
                        out.push_str(&line);
                        out.push('\n');
                        line = String::from("#");
                        width = 1;
                    }
                    line.push(' ');
                    line.push_str(word);
                    width += 1 + w;
                }
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
}

/// A number as TOML writes it: always with a decimal point or exponent.
fn toml_float(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { format!("{x:.1}") } else { format!("{x}") }
}

/// Entries of a table, in registry order (`policies.<lever>` for the keys common to every lever).
fn entries_of(table: &str) -> Vec<&'static Param> {
    PARAMS.iter().filter(|p| p.table() == table && p.kind != Kind::Extends).collect()
}

/// The keys of one table, `key = default` with the note above; entries whose
/// local key has a dot (`semi_to_iadl.annual_at_60`) are written as one inline table.
fn write_keys(out: &mut String, entries: &[&Param]) {
    let mut k = 0;
    while k < entries.len() {
        let local = entries[k].local_key();
        match local.split_once('.') {
            Some((group, _)) => {
                let members: Vec<&Param> = entries[k..]
                    .iter()
                    .take_while(|p| p.local_key().split_once('.').is_some_and(|(g, _)| g == group))
                    .copied()
                    .collect();
                for p in &members {
                    if !p.note.is_empty() {
                        comment(out, p.note);
                    }
                }
                let fields: Vec<String> = members
                    .iter()
                    .map(|p| format!("{} = {}", p.local_key().split_once('.').map_or("", |(_, f)| f), p.default))
                    .collect();
                let _ = writeln!(out, "{group} = {{ {} }}", fields.join(", "));
                k += members.len();
            }
            None => {
                if !entries[k].note.is_empty() {
                    comment(out, entries[k].note);
                }
                let _ = writeln!(out, "{local} = {}", entries[k].default);
                k += 1;
            }
        }
    }
}

/// `scenarios/wutong.toml`: every key with its default and note, the built-in
/// packages, the plausible ranges and the Wutong street.
pub fn scenario_toml() -> String {
    let mut out = format!("{SCHEMA_DIRECTIVE}\n{TOML_HEADER}\n");
    write_keys(&mut out, &entries_of(""));
    for &(table, preamble) in TABLES {
        out.push('\n');
        if !preamble.is_empty() {
            comment(&mut out, preamble);
        }
        match table {
            "packages" => {
                out.push_str("[packages]\n");
                let packages = default_packages();
                let mut names = vec!["baseline"];
                names.extend(LEVER_NAMES);
                names.push("study_package");
                names.extend(packages.keys().map(String::as_str).filter(|n| !names.contains(n)).collect::<Vec<_>>());
                for name in names {
                    let Some(levers) = packages.get(name) else { continue };
                    comment(
                        &mut out,
                        match name {
                            "baseline" => "No lever: the comparison point.",
                            "study_package" => "The study's three paths together.",
                            _ => "Each lever alone.",
                        },
                    );
                    let quoted: Vec<String> = levers.iter().map(|l| format!("\"{l}\"")).collect();
                    let _ = writeln!(out, "{name} = [{}]", quoted.join(", "));
                }
            }
            "uncertainty" => {
                out.push_str("[uncertainty]\n");
                for p in PARAMS {
                    if let Some(([lo, hi], what)) = p.plausible {
                        let mut what = what.to_string();
                        if let Some(first) = what.get(..1) {
                            what.replace_range(..1, &first.to_uppercase());
                        }
                        comment(&mut out, &format!("{what}."));
                        let _ = writeln!(out, "\"{}\" = [{}, {}]", p.key, toml_float(lo), toml_float(hi));
                    }
                }
            }
            "street" => {
                out.push_str("[[street]]\n");
                let entries: Vec<&Param> =
                    entries_of("street").into_iter().filter(|p| p.key != "street.count").collect();
                write_keys(&mut out, &entries);
            }
            "street.community" => {
                for (k, c) in Street::default().communities.iter().enumerate() {
                    if k > 0 {
                        out.push('\n');
                    }
                    let _ = writeln!(
                        out,
                        "[[street.community]]\nname = \"{}\"\ntype = \"{}\"\nelders = {}",
                        c.name,
                        c.kind.as_str(),
                        c.elders
                    );
                }
            }
            _ => {
                let _ = writeln!(out, "[{table}]");
                let mut entries = entries_of(table);
                if table.starts_with("policies.") {
                    entries.extend(entries_of("policies.<lever>"));
                }
                write_keys(&mut out, &entries);
            }
        }
    }
    out
}

/// The commented starting file written by `carenet init`: it extends the
/// built-in scenario and lists every table and key, each key commented out with
/// its default value and meaning, so a user uncomments what they change.
pub fn template() -> String {
    let mut out = format!("{SCHEMA_DIRECTIVE}\n{TEMPLATE_HEADER}");
    let full = scenario_toml();
    // Skip the directive and the default file's own header: up to its first blank line.
    let body = full.split_once("\n\n").map_or(full.as_str(), |(_, body)| body);
    for line in body.lines() {
        let trimmed = line.trim_start();
        let keep =
            trimmed.is_empty() || trimmed.starts_with('#') || (trimmed.starts_with('[') && !trimmed.starts_with("[["));
        if !keep {
            out.push_str("# ");
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Markdown to terminal text: drops `**` emphasis.
fn plain(text: &str) -> String {
    text.replace("**", "")
}

/// `carenet explain KEY`: what the key means, its unit, default, allowed values,
/// source and plausible range. A table's name lists its keys. An unknown key is
/// an error with the closest known key.
pub fn explain(key: &str) -> Result<String, String> {
    let mut out = String::new();
    if let Some(p) = registry::lookup(key) {
        let _ = writeln!(out, "{key} ({})", p.kind.describe());
        let mut line = |label: &str, value: &str| {
            if !value.is_empty() {
                let _ = writeln!(out, "  {label:<10} {}", plain(value));
            }
        };
        line("meaning:", p.meaning);
        line("unit:", p.unit);
        let default = if p.key.starts_with("street.") && !p.default.is_empty() {
            format!("{} (the Wutong street)", p.default)
        } else if p.key.starts_with("street.community.") {
            "none: every community states it".to_string()
        } else {
            p.default.to_string()
        };
        line("default:", &default);
        line("allowed:", &p.check.allowed());
        line("source:", p.source);
        if let Some(([lo, hi], what)) = p.plausible {
            line("plausible:", &format!("[{}, {}] ({what}; an assumption, used by `reproduce --robust`)", lo, hi));
        }
        if p.key.starts_with("policies.<lever>.") {
            line("levers:", &LEVER_NAMES.join(", "));
        }
        return Ok(out);
    }
    if let Some(text) = map_description(key) {
        let _ = writeln!(out, "{key} (table)\n  meaning:   {text}");
        if key == "uncertainty" {
            let _ = writeln!(out, "  default:   the plausible ranges of the registry:");
            for p in PARAMS {
                if let Some(([lo, hi], _)) = p.plausible {
                    let _ = writeln!(out, "             \"{}\" = [{}, {}]", p.key, toml_float(lo), toml_float(hi));
                }
            }
        } else {
            let _ = writeln!(out, "  default:   baseline = [], each lever alone, study_package = all nine levers");
            let _ = writeln!(out, "  levers:    {}", LEVER_NAMES.join(", "));
        }
        return Ok(out);
    }
    let prefix = format!("{key}.");
    let inside: Vec<&Param> = PARAMS.iter().filter(|p| p.key.starts_with(&prefix)).collect();
    if !inside.is_empty() {
        let _ = writeln!(out, "{key} is a table; its keys (`carenet explain KEY` for one):");
        for p in inside {
            let _ = writeln!(out, "  {:<44} {}", p.key, plain(p.meaning));
        }
        return Ok(out);
    }
    let keys = registry::all_keys();
    let mut message = format!("error: unknown parameter `{key}`");
    if let Some(best) = registry::suggest(key, keys.iter().map(String::as_str)) {
        let _ = write!(message, "\n  did you mean `{best}`?");
    }
    message.push_str("\n  `carenet explain --markdown` lists every parameter");
    Err(message)
}

/// What the two tables of free keys hold (not parameters: their keys are names).
fn map_description(key: &str) -> Option<&'static str> {
    match key {
        "packages" => Some("Policy packages: name = [levers]; `baseline` must be empty."),
        "uncertainty" => {
            Some("Plausible ranges for `reproduce --robust`: dotted key of a numeric parameter = [low, high].")
        }
        _ => None,
    }
}

/// docs/parameters.md's text around the tables; each `{{…}}` line is replaced
/// by rows made from the registry.
const DOC_TEMPLATE: &str = include_str!("parameters.md.in");

/// One Markdown table cell: pipes escaped, never empty.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// One row of a key table in docs/parameters.md: key, default, unit, meaning, source
/// (for a key `carenet calibrate` varies by default, followed by the targets that
/// inform it and what the calibration of the default found).
fn param_row(out: &mut String, p: &Param, source: &str) {
    let calibrated = crate::calibrate::DEFAULT_KEYS.iter().find(|(k, _)| *k == p.key).map(|(_, targets)| {
        format!(
            "{source}. **Calibration** (docs/calibration.md): varied against the targets of \
             scenarios/targets/china.toml that inform it ({targets}); they leave nearly all of its \
             plausible range non-implausible, so the default is kept, not fitted (docs/validation.md)"
        )
    });
    let source = calibrated.as_deref().unwrap_or(source);
    let _ = writeln!(
        out,
        "| `{}` | {} | {} | {} | {} |",
        p.key,
        cell(&doc_default(p)),
        cell(p.unit),
        cell(p.meaning),
        cell(source)
    );
}

/// `docs/parameters.md`: the prose of [`DOC_TEMPLATE`] with every table of keys
/// written from the registry.
pub fn markdown() -> String {
    let mut out = String::new();
    for line in DOC_TEMPLATE.lines() {
        let Some(directive) = line.strip_prefix("{{").and_then(|l| l.strip_suffix("}}")) else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let (what, arg) = directive.split_once(' ').unwrap_or((directive, ""));
        match what {
            "params" => {
                for p in entries_of(arg) {
                    param_row(&mut out, p, if p.source.is_empty() { "—" } else { p.source });
                }
            }
            "top" => {
                for p in PARAMS.iter().filter(|p| p.table().is_empty()) {
                    param_row(&mut out, p, p.source);
                }
            }
            "community" => {
                for p in entries_of("street.community") {
                    let _ = writeln!(out, "| `{}` | {} | {} |", p.key, cell(p.unit), cell(p.meaning));
                }
            }
            "glance" => {
                let suffix = if arg.is_empty() { String::new() } else { format!(".{arg}") };
                let first = format!("community_types.commercial_estate{suffix}");
                for p in entries_of(&first) {
                    let values: Vec<String> = CommunityType::ALL
                        .iter()
                        .map(|t| {
                            let key = format!("community_types.{}{suffix}.{}", t.as_str(), p.local_key());
                            registry::lookup(&key).map_or("—".to_string(), |q| q.default.to_string())
                        })
                        .collect();
                    let _ = writeln!(out, "| `{}` | {} |", p.local_key(), values.join(" | "));
                }
            }
            "uncertainty" => {
                for p in PARAMS {
                    if let Some(([lo, hi], what)) = p.plausible {
                        let _ = writeln!(
                            out,
                            "| `{}` | {} | [{}, {}] | {} |",
                            p.key,
                            p.default,
                            toml_float(lo),
                            toml_float(hi),
                            cell(what)
                        );
                    }
                }
            }
            "communities" => {
                let street = Street::default();
                let mut count = [0usize; 3];
                let mut elders = [0u64; 3];
                for c in &street.communities {
                    let _ = writeln!(out, "| {} | {} | {} |", c.name, c.kind.as_str(), c.elders);
                    count[c.kind.index()] += 1;
                    elders[c.kind.index()] += u64::from(c.elders);
                }
                let total: u64 = elders.iter().sum();
                let _ = writeln!(
                    out,
                    "| **total** | {} + {} + {} | **{}** ({} + {} + {}) |",
                    count[0],
                    count[1],
                    count[2],
                    thousands(total),
                    thousands(elders[0]),
                    thousands(elders[1]),
                    thousands(elders[2])
                );
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// A default as the tables show it: strings in code quotes, numbers plain.
fn doc_default(p: &Param) -> String {
    match p.default {
        "" => "— (none)".to_string(),
        d if d.starts_with('"') => format!("`{d}`"),
        d => d.to_string(),
    }
}

/// `13650` → `13,650`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The JSON Schema (draft 2020-12) of a value of `p`, with its meaning, unit and default.
fn leaf_schema(p: &Param) -> Value {
    let number = |integer: bool| {
        let mut s = Map::new();
        s.insert("type".into(), json!(if integer { "integer" } else { "number" }));
        match p.check {
            Check::Number { lo, hi, .. } => {
                match lo {
                    Bound::Closed(x) => s.insert("minimum".into(), json!(x)),
                    Bound::Open(x) => s.insert("exclusiveMinimum".into(), json!(x)),
                    Bound::Unbounded => None,
                };
                match hi {
                    Bound::Closed(x) => s.insert("maximum".into(), json!(x)),
                    Bound::Open(x) => s.insert("exclusiveMaximum".into(), json!(x)),
                    Bound::Unbounded => None,
                };
            }
            Check::Integer { lo, hi } => {
                s.insert("minimum".into(), json!(lo));
                s.insert("maximum".into(), json!(hi));
            }
            Check::Week => {
                s.insert("minimum".into(), json!(1));
                s.insert("maximum".into(), json!(52));
            }
            Check::Mix => {
                s.insert("minimum".into(), json!(0.0));
                s.insert("maximum".into(), json!(1.0));
            }
            Check::None if integer => {
                s.insert("minimum".into(), json!(0));
                s.insert(
                    "maximum".into(),
                    json!(if p.kind == Kind::U64 { i64::MAX as u64 } else { u64::from(u32::MAX) }),
                );
            }
            Check::None => {}
        }
        Value::Object(s)
    };
    let array = |items: Value, n: usize| json!({ "type": "array", "items": items, "minItems": n, "maxItems": n });
    let mut schema = match p.kind {
        Kind::F64 => number(false),
        Kind::U32 | Kind::U64 => number(true),
        Kind::Bool => json!({ "type": "boolean" }),
        Kind::Str | Kind::Extends => json!({ "type": "string" }),
        Kind::F64s(n) => array(number(false), n),
        Kind::U32s(n) => array(number(true), n),
        Kind::Choice(values) => json!({ "type": "string", "enum": values }),
        Kind::CommunityType => {
            json!({ "type": "string", "enum": CommunityType::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>() })
        }
    };
    let mut description = plain(p.meaning);
    if !p.unit.is_empty() {
        let _ = write!(description, " [{}]", plain(p.unit));
    }
    if let Value::Object(s) = &mut schema {
        s.insert("description".into(), json!(description));
        if let Some(default) = registry::default_value(p).and_then(|v| serde_json::to_value(v).ok()) {
            s.insert("default".into(), default);
        }
    }
    schema
}

/// An empty table schema: no keys beyond those listed.
fn table_schema() -> Value {
    json!({ "type": "object", "additionalProperties": false, "properties": {} })
}

/// Puts `leaf` at the dotted `key` below `root`, making table schemas on the way.
fn insert(root: &mut Value, key: &str, leaf: Value) {
    let mut node = root;
    let mut names = key.split('.').peekable();
    while let Some(name) = names.next() {
        let Some(properties) = node.get_mut("properties").and_then(Value::as_object_mut) else { return };
        if names.peek().is_none() {
            properties.insert(name.to_string(), leaf);
            return;
        }
        node = properties.entry(name.to_string()).or_insert_with(table_schema);
    }
}

/// `scenarios/carenet.schema.json`: the JSON Schema (draft 2020-12) of a
/// scenario file, from the registry. It rejects unknown keys and wrong types
/// and states each number's range; checks that relate keys are left to
/// `carenet validate`.
pub fn schema() -> String {
    let mut root = table_schema();
    let mut street = table_schema();
    let mut community = table_schema();
    for p in PARAMS {
        if let Some(field) = p.key.strip_prefix("street.community.") {
            insert(&mut community, field, leaf_schema(p));
        } else if let Some(field) = p.key.strip_prefix("street.") {
            insert(&mut street, field, leaf_schema(p));
        } else {
            for key in p.instances() {
                insert(&mut root, &key, leaf_schema(p));
            }
        }
    }
    community["required"] = json!(["name", "type", "elders"]);
    community["description"] = json!("A community of the street: every community states all three keys.");
    street["properties"]["community"] = json!({
        "type": "array",
        "description": "The street's communities (an array of tables, replaced whole).",
        "items": community,
    });
    insert(
        &mut root,
        "street",
        json!({
            "type": "array",
            "description": "The streets and their communities (replaced whole by a file that restates it).",
            "items": street,
        }),
    );
    insert(
        &mut root,
        "packages",
        json!({
            "type": "object",
            "description": map_description("packages"),
            "additionalProperties": { "type": "array", "items": { "enum": LEVER_NAMES } },
        }),
    );
    insert(
        &mut root,
        "uncertainty",
        json!({
            "type": "object",
            "description": map_description("uncertainty"),
            "additionalProperties": { "type": "array", "items": { "type": "number" }, "minItems": 2, "maxItems": 2 },
        }),
    );
    if let Value::Object(top) = &mut root {
        let mut head = Map::new();
        head.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
        head.insert("title".into(), json!("carenet scenario"));
        head.insert(
            "description".into(),
            json!(
                "A carenet scenario file (TOML). Written by `carenet schema` from the parameter registry; \
                   `carenet explain KEY` describes each key."
            ),
        );
        head.append(top);
        *top = head;
    }
    let mut text = serde_json::to_string_pretty(&root).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load::{NoFiles, load_str_from};

    const WUTONG: &str = include_str!("../../../../scenarios/wutong.toml");
    const ZHENGZHOU: &str = include_str!("../../../../scenarios/zhengzhou.toml");
    const SMALL: &str = include_str!("../../../../scenarios/examples/small.toml");
    const NO_STUDENTS: &str = include_str!("../../../../scenarios/examples/no_students.toml");
    const SCHEMA: &str = include_str!("../../../../scenarios/carenet.schema.json");
    const PARAMETERS_MD: &str = include_str!("../../../../docs/parameters.md");

    /// Checks `value` against the part of JSON Schema that [`schema`] writes;
    /// returns the first violation.
    fn check(schema: &Value, value: &Value, at: &str) -> Result<(), String> {
        let fail = |why: &str| Err(format!("{at}: {why}"));
        if let Some(t) = schema.get("type").and_then(Value::as_str) {
            let ok = match t {
                "object" => value.is_object(),
                "array" => value.is_array(),
                "string" => value.is_string(),
                "boolean" => value.is_boolean(),
                "number" => value.is_number(),
                "integer" => value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|x| x.fract() == 0.0),
                _ => return fail("unknown type in schema"),
            };
            if !ok {
                return fail(&format!("{value} is not of type {t}"));
            }
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
            && !allowed.contains(value)
        {
            return fail(&format!("{value} is not one of {allowed:?}"));
        }
        if let Some(x) = value.as_f64() {
            let bound = |k: &str| schema.get(k).and_then(Value::as_f64);
            if bound("minimum").is_some_and(|m| x < m)
                || bound("maximum").is_some_and(|m| x > m)
                || bound("exclusiveMinimum").is_some_and(|m| x <= m)
                || bound("exclusiveMaximum").is_some_and(|m| x >= m)
            {
                return fail(&format!("{x} is out of range"));
            }
        }
        if let Some(items) = value.as_array() {
            let count = |k: &str| schema.get(k).and_then(Value::as_u64).map(|n| n as usize);
            if count("minItems").is_some_and(|n| items.len() < n) || count("maxItems").is_some_and(|n| items.len() > n)
            {
                return fail("wrong number of items");
            }
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    check(item_schema, item, &format!("{at}[{i}]"))?;
                }
            }
        }
        if let Some(object) = value.as_object() {
            let properties = schema.get("properties").and_then(Value::as_object);
            for required in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
                if !required.as_str().is_some_and(|r| object.contains_key(r)) {
                    return fail(&format!("missing {required}"));
                }
            }
            for (k, v) in object {
                let path = format!("{at}.{k}");
                match (properties.and_then(|p| p.get(k)), schema.get("additionalProperties")) {
                    (Some(s), _) => check(s, v, &path)?,
                    (None, Some(Value::Bool(false))) => return Err(format!("{path}: unknown key")),
                    (None, Some(s)) if s.is_object() => check(s, v, &path)?,
                    (None, _) => {}
                }
            }
        }
        Ok(())
    }

    fn validate_text(text: &str) -> Result<(), String> {
        let value: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        let json = serde_json::to_value(value).map_err(|e| e.to_string())?;
        let schema: Value = serde_json::from_str(&schema()).unwrap();
        check(&schema, &json, "")
    }

    #[test]
    fn the_committed_files_are_current() {
        // Regenerate with `carenet explain --toml`, `carenet explain --markdown`, `carenet schema`.
        assert!(WUTONG == scenario_toml(), "scenarios/wutong.toml differs from `carenet explain --toml`");
        assert!(PARAMETERS_MD == markdown(), "docs/parameters.md differs from `carenet explain --markdown`");
        assert!(SCHEMA == schema(), "scenarios/carenet.schema.json differs from `carenet schema`");
    }

    #[test]
    fn the_schema_accepts_every_shipped_scenario_and_the_template() {
        for (name, text) in
            [("wutong", WUTONG), ("zhengzhou", ZHENGZHOU), ("small", SMALL), ("no_students", NO_STUDENTS)]
        {
            assert!(text.starts_with("#:schema "), "{name} has no #:schema directive");
            validate_text(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        let template = template();
        assert!(template.starts_with(SCHEMA_DIRECTIVE));
        validate_text(&template).unwrap();
        // Uncommenting every key of the template gives a valid file too.
        let uncommented: String = template
            .lines()
            .map(|l| {
                let key_line = |r: &&str| {
                    r.starts_with("[[")
                        || r.split_once(" = ").is_some_and(|(k, _)| {
                            k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.\"".contains(c))
                        })
                };
                l.strip_prefix("# ").filter(key_line).unwrap_or(l)
            })
            .collect::<Vec<_>>()
            .join("\n");
        validate_text(&uncommented).unwrap();
    }

    #[test]
    fn the_schema_rejects_wrong_types_unknown_keys_and_ranges() {
        let err = validate_text("[simulation]\nweeks = \"ten\"\n").unwrap_err();
        assert!(err.contains(".simulation.weeks") && err.contains("not of type integer"), "{err}");
        let err = validate_text("[ties]\ndecay_weekyl = 0.1\n").unwrap_err();
        assert!(err.contains(".ties.decay_weekyl: unknown key"), "{err}");
        let err = validate_text("[needs]\nhelp_hours = [1.0, 2.0]\n").unwrap_err();
        assert!(err.contains("wrong number of items"), "{err}");
        let err = validate_text("[ties]\nvisit_weekly = 1.5\n").unwrap_err();
        assert!(err.contains("out of range"), "{err}");
        let err = validate_text("[packages]\nx = [\"care_subsidyy\"]\n").unwrap_err();
        assert!(err.contains("is not one of"), "{err}");
        let err = validate_text("[[street]]\n[[street.community]]\nname = \"a\"\nelders = 3\n").unwrap_err();
        assert!(err.contains("missing \"type\""), "{err}");
        let err = validate_text("[reference]\nrise = 0.1\n").unwrap_err();
        assert!(err.contains(".reference: unknown key"), "{err}");
    }

    #[test]
    fn the_template_loads_as_the_default() {
        let loaded = load_str_from(&template(), "init.toml", None, &NoFiles).unwrap();
        assert_eq!(loaded.scenario, crate::scenario::Scenario::default());
    }

    #[test]
    fn explain_describes_a_key() {
        let text = explain("ties.decay_weekly").unwrap();
        assert!(text.starts_with("ties.decay_weekly (number)\n"), "{text}");
        for part in ["  default:   0.004\n", "  allowed:   a number from 0 to 1\n", "  plausible: [0.002, 0.006]"] {
            assert!(text.contains(part), "{part:?} not in {text}");
        }
        let text = explain("policies.time_bank.start_week").unwrap();
        assert!(text.contains("levers:") && text.contains("an integer from 0 to 5200"), "{text}");
        let text = explain("street[0].community[1].elders").unwrap();
        assert!(text.contains("none: every community states it"), "{text}");
        let text = explain("uncertainty").unwrap();
        assert!(text.contains("\"ties.decay_weekly\" = [0.002, 0.006]"), "{text}");
        assert!(explain("packages").unwrap().contains("study_package"));
        let text = explain("community_types.village.network").unwrap();
        assert!(text.contains("is a table") && text.contains("community_types.village.network.kin_share"), "{text}");
    }

    #[test]
    fn explain_suggests_the_closest_key() {
        let err = explain("ties.decay_weekyl").unwrap_err();
        assert!(
            err.starts_with("error: unknown parameter `ties.decay_weekyl`\n  did you mean `ties.decay_weekly`?"),
            "{err}"
        );
        let err = explain("zzzz").unwrap_err();
        assert!(!err.contains("did you mean"), "{err}");
    }

    #[test]
    fn comments_wrap_and_keep_paragraphs() {
        let mut out = String::new();
        comment(&mut out, &"word ".repeat(40));
        assert!(out.lines().all(|l| l.chars().count() <= WIDTH && l.starts_with("# ")), "{out}");
        let mut out = String::new();
        comment(&mut out, "one\ntwo\n\nthree\n---");
        assert_eq!(out, "# one two\n#\n# three\n# ---\n");
    }
}
