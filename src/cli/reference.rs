//! `carenet reference export` and `carenet reference run`: flags in, the
//! driver ([`crate::reference_driver`]) does the work, a line out.

use std::io::Write;

use crate::reference_driver::{self as driver, RefError, RefRunConfig, Source};

use super::args::ReferenceCommand;
use super::context::load_scenario;
use super::{Failure, stdout_failure};

impl From<RefError> for Failure {
    fn from(e: RefError) -> Failure {
        match e {
            RefError::Input(m) => Failure::Input(m),
            RefError::Runtime(m) => Failure::Runtime(m),
        }
    }
}

/// `carenet reference …`. `run` without `--out` writes the rows to `out` and
/// its summary line to stderr.
pub fn reference(command: ReferenceCommand, out: &mut dyn Write) -> Result<(), Failure> {
    match command {
        ReferenceCommand::Export(args) => {
            let loaded = load_scenario(args.scenario.as_deref())?;
            let e = driver::export(&loaded.scenario, args.elders, &args.out)?;
            writeln!(
                out,
                "{} elders in {} communities, {} ties; wrote {}",
                e.elders,
                e.communities,
                e.ties,
                args.out.display()
            )
            .map_err(stdout_failure)
        }
        ReferenceCommand::Run(args) => {
            let loaded = load_scenario(args.scenario.as_deref())?;
            let source = match (args.input, args.elders) {
                (Some(dir), _) => Source::Input(dir),
                (None, Some(n)) => Source::Elders(n),
                (None, None) => return Err(Failure::Input("give --input DIR or --elders N".into())),
            };
            let cfg = RefRunConfig {
                source,
                weeks: args.weeks,
                seed: args.seed.unwrap_or(loaded.scenario.simulation.seed),
                seeds: args.seeds,
                threads: args.threads,
                out: args.out.clone(),
                timing: args.timing.clone(),
            };
            let report = driver::run(&loaded.scenario, &cfg)?;
            let t = &report.timing;
            let line = format!(
                "reference: {} elders ({} communities, {} ties) × {} weeks × {} seeds: setup {:.3} s, step {:.3} s \
                 ({:.2} M elder-weeks/s){}",
                t.n_elders,
                report.communities,
                report.ties,
                t.weeks,
                t.seeds,
                t.setup_seconds,
                t.step_seconds,
                t.elder_weeks_per_second() / 1e6,
                args.out.as_ref().map(|p| format!("; wrote {}", p.display())).unwrap_or_default()
            );
            if args.out.is_some() {
                writeln!(out, "{line}").map_err(stdout_failure)
            } else {
                carenet_io::reference::write_rows(out, "carenet", &report.rows).map_err(stdout_failure)?;
                eprintln!("{line}");
                Ok(())
            }
        }
    }
}
