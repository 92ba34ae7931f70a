//! `carenet validate`, `init`, `explain`, `schema`, `plot` and `report`: commands that run no model.

use std::io::Write;
use std::path::Path;

use carenet_io::output::write_atomic;
use carenet_model::scenario::generate;
use carenet_model::scenario::load::template;
use carenet_plot::{plot, report as html};

use super::args::ExplainArgs;
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
