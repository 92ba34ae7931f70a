//! The limit kernel (docs/reference-model.md): the smallest loop that moves the
//! same memory as a week of the reference model, with no random numbers and no
//! model logic. Per week, every elder reads its CSR row (neighbour and tie ids),
//! each neighbour's tie strength and willingness, and its own state, loneliness,
//! baseline and willingness, and writes loneliness, willingness and a scratch
//! column; then one pass over the ties writes their strength. A checksum goes
//! through `black_box`, so nothing is optimised away. One thread.
//!
//! ```text
//! cargo build --release --example limit_kernel
//! target/release/examples/limit_kernel (--input DIR | --elders N) --weeks W [--timing FILE.json]
//! ```
//!
//! The population is the one `carenet reference run` steps: read with the same
//! loader, or synthesised by the same function from the scenario (default: the
//! built-in one).

use std::hint::black_box;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

use carenet::reference_driver::{Source, load};
use carenet_io::reference::{Timing, write_timing};

#[derive(Parser)]
#[command(name = "limit_kernel", about = "Memory-traffic limit of the reference model's weekly step (one thread)")]
struct Args {
    /// Scenario file for --elders (default: the built-in scenarios/wutong.toml).
    scenario: Option<PathBuf>,
    /// An exported directory (population.csv, ties.csv, params.json).
    #[arg(long, required_unless_present = "elders", conflicts_with = "elders")]
    input: Option<PathBuf>,
    /// Elders to synthesise in process.
    #[arg(long)]
    elders: Option<usize>,
    /// Weeks.
    #[arg(long)]
    weeks: u32,
    /// JSON of setup and step times (engine "kernel").
    #[arg(long)]
    timing: Option<PathBuf>,
}

/// The columns and CSR the kernel touches (its own copies of the world's).
struct Kernel {
    state: Vec<u8>,
    loneliness: Vec<f32>,
    loneliness_base: Vec<f32>,
    willingness: Vec<f32>,
    scratch: Vec<f32>,
    strength: Vec<f32>,
    offsets: Vec<u32>,
    nbr: Vec<u32>,
    eid: Vec<u32>,
}

impl Kernel {
    /// Copies the world's columns; checks the CSR once, so the weekly loop can skip
    /// bounds checks (the CSR is never changed afterwards).
    fn new(world: &carenet::reference::RefWorld) -> Result<Kernel, String> {
        let n = world.n_elders();
        let (offsets, nbr, eid) = (world.offsets(), world.nbr(), world.eid());
        let rows_ok = offsets.len() == n + 1
            && offsets.windows(2).all(|w| w[0] <= w[1])
            && offsets[n] as usize == nbr.len()
            && eid.len() == nbr.len();
        let ids_ok = nbr.iter().all(|&j| (j as usize) < n) && eid.iter().all(|&e| (e as usize) < world.n_ties());
        if !(rows_ok && ids_ok) {
            return Err("error: the world's CSR is inconsistent".into());
        }
        Ok(Kernel {
            state: world.state().to_vec(),
            loneliness: world.loneliness().to_vec(),
            loneliness_base: world.loneliness_base().to_vec(),
            willingness: world.willingness().to_vec(),
            scratch: vec![0.0; n],
            strength: world.strength().to_vec(),
            offsets: offsets.to_vec(),
            nbr: nbr.to_vec(),
            eid: eid.to_vec(),
        })
    }

    /// One week; returns a checksum.
    fn week(&mut self) -> f32 {
        let n = self.state.len();
        let (offsets, nbr, eid) = (&self.offsets[..], &self.nbr[..], &self.eid[..]);
        let strength = &mut self.strength[..];
        let will = &mut self.willingness[..];
        let mut check = 0.0f32;
        for i in 0..n {
            let (lo, hi) = (offsets[i] as usize, offsets[i + 1] as usize);
            let mut acc = 0.0f32;
            for k in lo..hi {
                // SAFETY: checked in `new`: rows lie inside nbr and eid, and every
                // neighbour and tie id is in range.
                unsafe {
                    let j = *nbr.get_unchecked(k) as usize;
                    let e = *eid.get_unchecked(k) as usize;
                    acc += *strength.get_unchecked(e) * *will.get_unchecked(j);
                }
            }
            let l = self.loneliness[i];
            let w = will[i];
            let s = f32::from(self.state[i]);
            self.loneliness[i] = l + 0.05 * (self.loneliness_base[i] - l) + 1e-6 * acc;
            will[i] = w + 0.01 * (0.35 - w);
            self.scratch[i] = acc + s;
            check += acc;
        }
        for s in strength.iter_mut() {
            *s = (*s - 0.004).max(0.0);
        }
        check
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let scenario = match &args.scenario {
        None => carenet::scenario::load::load_default(),
        Some(p) => match carenet::scenario::load::load_file(p) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        },
    };
    if args.weeks == 0 {
        eprintln!("error: --weeks must be at least 1");
        return ExitCode::from(2);
    }
    let source = match (&args.input, args.elders) {
        (Some(dir), _) => Source::Input(dir.clone()),
        (None, Some(n)) => Source::Elders(n),
        (None, None) => {
            eprintln!("error: give --input DIR or --elders N");
            return ExitCode::from(2);
        }
    };
    let t0 = Instant::now();
    let world = match load(&scenario.scenario, &source) {
        Ok((w, _)) => w,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(e.exit_code());
        }
    };
    let mut k = match Kernel::new(&world) {
        Ok(k) => k,
        Err(m) => {
            eprintln!("{m}");
            return ExitCode::from(1);
        }
    };
    let setup_seconds = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let mut check = 0.0f32;
    for _ in 0..args.weeks {
        check += black_box(k.week());
    }
    let step_seconds = t1.elapsed().as_secs_f64();
    black_box(&k.scratch);
    let timing = Timing {
        engine: "kernel".into(),
        n_elders: world.n_elders() as u64,
        weeks: args.weeks,
        seeds: 1,
        setup_seconds,
        step_seconds,
    };
    println!(
        "kernel: {} elders, {} ties × {} weeks: setup {:.3} s, step {:.3} s ({:.2} M elder-weeks/s; checksum {check})",
        world.n_elders(),
        world.n_ties(),
        args.weeks,
        setup_seconds,
        step_seconds,
        timing.elder_weeks_per_second() / 1e6
    );
    if let Some(path) = &args.timing
        && let Err(e) = write_timing(path, &timing)
    {
        eprintln!("error: writing {}: {e}", path.display());
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
