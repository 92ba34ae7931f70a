//! The `carenet` command: parse the flags, run the command (`carenet::cli`),
//! print a failure on stderr with its exit code (2 = bad input, 1 = runtime failure).

use std::process::ExitCode;

use clap::Parser;

use carenet::cli::{Cli, Failure, execute};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli.command, &mut std::io::stdout().lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::StdoutClosed) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{failure}");
            ExitCode::from(failure.exit_code())
        }
    }
}
