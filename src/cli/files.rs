//! `carenet validate`, `init`, `explain`, `schema`, `plot` and `report`: commands that run no model.

use std::io::Write;
use std::path::Path;

use carenet_io::output::write_atomic;
use carenet_model::metrics::METRICS;
use carenet_model::scenario::defaults::LEVER_NAMES;
use carenet_model::scenario::load::template;
use carenet_model::scenario::{generate, registry};
use carenet_plot::{plot, report as html};

use super::args::{ExplainArgs, ListArgs, ListWhat};
use super::context::load_scenario;
use super::{Failure, stdout_failure};

/// `carenet validate FILE`: loads and checks the scenario, and says what it holds.
pub fn validate(path: &Path, out: &mut dyn Write) -> Result<(), Failure> {
    let loaded = load_scenario(Some(path))?;
    let s = &loaded.scenario;
    let communities: usize = s.streets.iter().map(|st| st.communities.len()).sum();
    let elders: u64 = s.streets.iter().flat_map(|st| &st.communities).map(|c| u64::from(c.elders)).sum();
    writeln!(
        out,
        "{}: ok (scenario `{}`: {} street(s), {} communities, {} elders, {} weeks, {} replications)",
        path.display(),
        s.name,
        s.streets.len(),
        communities,
        elders,
        s.simulation.weeks,
        s.simulation.reps
    )
    .map_err(stdout_failure)
}

/// `carenet init FILE`: writes the commented template; never overwrites.
pub fn init(path: &Path, out: &mut dyn Write) -> Result<(), Failure> {
    if path.exists() {
        return Err(Failure::Input(format!(
            "{}: file exists; choose a new name (carenet init never overwrites)",
            path.display()
        )));
    }
    write_atomic(path, |w| w.write_all(template().as_bytes())).map_err(|e| Failure::writing(path, e))?;
    writeln!(out, "wrote {} (edit it, then: carenet run {})", path.display(), path.display())
        .map_err(stdout_failure)?;
    // The template's `#:schema` directive names the schema beside it.
    let schema = path.with_file_name(generate::SCHEMA_FILE);
    if !schema.exists() {
        write_atomic(&schema, |w| w.write_all(generate::schema().as_bytes()))
            .map_err(|e| Failure::writing(&schema, e))?;
        writeln!(out, "wrote {} (lets editors check and complete the scenario)", schema.display())
            .map_err(stdout_failure)?;
    }
    Ok(())
}

/// `carenet explain`: one key (exit 2 with "did you mean" when unknown), or every
/// parameter as docs/parameters.md (`--markdown`) or as scenarios/wutong.toml (`--toml`).
pub fn explain(args: &ExplainArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let text = if args.markdown {
        generate::markdown()
    } else if args.toml {
        generate::scenario_toml()
    } else {
        generate::explain(args.key.as_deref().unwrap_or_default()).map_err(Failure::Input)?
    };
    out.write_all(text.as_bytes()).map_err(stdout_failure)
}

/// Rows as aligned columns (the last one left ragged).
fn columns(rows: &[Vec<String>]) -> String {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> =
        (0..n).map(|i| rows.iter().filter_map(|r| r.get(i)).map(|c| c.chars().count()).max().unwrap_or(0)).collect();
    let mut s = String::new();
    for r in rows {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate() {
            if i + 1 < r.len() {
                line.push_str(&format!("{c:<w$}  ", w = widths[i]));
            } else {
                line.push_str(c);
            }
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}

/// `carenet list packages|levers|metrics|keys`.
pub fn list(args: &ListArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let rows: Vec<Vec<String>> = match args.what {
        ListWhat::Packages | ListWhat::Levers => {
            let scenario = load_scenario(args.scenario.as_deref())?.scenario;
            if args.what == ListWhat::Packages {
                let mut rows = vec![vec!["package".to_string(), "levers".to_string()]];
                for (name, levers) in &scenario.packages {
                    let levers = if levers.is_empty() { "(none)".to_string() } else { levers.join(", ") };
                    rows.push(vec![name.clone(), levers]);
                }
                rows
            } else {
                let mut rows = vec![vec!["lever".to_string(), "settings".to_string(), "packages".to_string()]];
                for lever in LEVER_NAMES {
                    let prefix = format!("policies.{lever}.");
                    let settings: Vec<&str> =
                        registry::PARAMS.iter().filter_map(|p| p.key.strip_prefix(prefix.as_str())).collect();
                    let packages: Vec<&str> = scenario
                        .packages
                        .iter()
                        .filter(|(_, ls)| ls.iter().any(|l| l == lever))
                        .map(|(n, _)| n.as_str())
                        .collect();
                    rows.push(vec![
                        lever.to_string(),
                        format!("{}, start_week, end_week, annual_budget_cap", settings.join(", ")),
                        packages.join(", "),
                    ]);
                }
                rows
            }
        }
        ListWhat::Metrics => {
            if args.scenario.is_some() {
                return Err(Failure::Input("carenet list metrics takes no scenario file".into()));
            }
            let mut rows = vec![vec!["metric".to_string(), "unit".to_string(), "meaning".to_string()]];
            rows.extend(
                METRICS.iter().map(|m| vec![m.name.to_string(), m.unit.to_string(), m.description.to_string()]),
            );
            rows
        }
        ListWhat::Keys => {
            if args.scenario.is_some() {
                return Err(Failure::Input("carenet list keys takes no scenario file".into()));
            }
            let mut rows = vec![vec!["key".to_string(), "type".to_string(), "default".to_string(), "unit".to_string()]];
            for p in registry::PARAMS.iter().filter(|p| p.kind != registry::Kind::Extends) {
                let key =
                    p.key.replace("street.community.", "street[i].community[j].").replacen("street.", "street[i].", 1);
                rows.push(vec![key, p.kind.describe(), p.default.to_string(), p.unit.to_string()]);
            }
            rows
        }
    };
    out.write_all(columns(&rows).as_bytes()).map_err(stdout_failure)
}

/// `carenet schema`: the JSON Schema of scenario files.
pub fn schema(out: &mut dyn Write) -> Result<(), Failure> {
    out.write_all(generate::schema().as_bytes()).map_err(stdout_failure)
}

/// `carenet plot DIR`: the plots of an output directory.
pub fn plot(dir: &Path, out: &mut dyn Write) -> Result<(), Failure> {
    let written = plot::plot_dir(dir).map_err(Failure::runtime)?;
    writeln!(out, "wrote {} plots (SVG and PNG) to {}", written.len() / 2, plot::plots_dir(dir).display())
        .map_err(stdout_failure)
}

/// `carenet report DIR`: DIR/report.html.
pub fn report(dir: &Path, out: &mut dyn Write) -> Result<(), Failure> {
    let path = html::write_report(dir).map_err(Failure::runtime)?;
    writeln!(out, "wrote {}", path.display()).map_err(stdout_failure)
}
