//! The `carenet` commands as library code. `main` parses the flags into [`Cli`],
//! calls [`execute`] and maps a [`Failure`] to its exit code; everything else is
//! here:
//!
//! - [`args`]: the flags, with the scenario and run settings in one shared struct;
//! - [`context`]: the loaded scenario with the flags applied ([`context::Setup`],
//!   including the output folder, computed once), the manifest, progress bars;
//! - [`table`]: every table printed on stdout;
//! - one module per group of commands: [`run`] (`run`, `compare`),
//!   [`reproduce`], [`sweep`] (`sweep`, `merge`, `slurm-script`), [`analysis`]
//!   (`sensitivity`, `city`), [`reference`](mod@reference), [`files`] (`validate`, `init`,
//!   `plot`, `report`).

pub mod analysis;
pub mod args;
pub mod calibrate;
pub mod context;
pub mod files;
pub mod reference;
pub mod reproduce;
pub mod run;
pub mod sweep;
pub mod table;

use std::borrow::Cow;
use std::io::Write;

pub use args::{Cli, Command};

/// The prefix of every error line.
pub const ERROR_PREFIX: &str = "error: ";

/// Why a command failed, and so its exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Bad input: exit code 2.
    Input(String),
    /// Runtime failure: exit code 1.
    Runtime(String),
    /// Stdout was closed by its reader (`carenet run | head -1`): the command's
    /// work is done and only its report was cut short, so exit 0 with no message.
    StdoutClosed,
}

impl Failure {
    /// Bad input from anything that displays.
    pub fn input(e: impl std::fmt::Display) -> Failure {
        Failure::Input(e.to_string())
    }

    /// A runtime failure from anything that displays.
    pub fn runtime(e: impl std::fmt::Display) -> Failure {
        Failure::Runtime(e.to_string())
    }

    /// `writing PATH: why`, a runtime failure.
    pub fn writing(path: &std::path::Path, e: impl std::fmt::Display) -> Failure {
        Failure::Runtime(format!("writing {}: {e}", path.display()))
    }

    /// The process exit code: 2 for bad input, 1 for a runtime failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Input(_) => 2,
            Failure::Runtime(_) => 1,
            Failure::StdoutClosed => 0,
        }
    }

    /// The message as given (with or without the `error: ` prefix).
    pub fn message(&self) -> &str {
        match self {
            Failure::Input(m) | Failure::Runtime(m) => m,
            Failure::StdoutClosed => "",
        }
    }
}

/// The text printed on stderr: the message with exactly one `error: ` prefix.
impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&error_text(self.message()))
    }
}

/// `message` as an error line: prefixed with `error: ` unless it already is.
///
/// The libraries' messages do not agree (scenario diagnostics, sweep and
/// reference-file errors carry the prefix, others do not): this is the one
/// place that decides, so no message is printed as `error: error: …`.
pub fn error_text(message: &str) -> Cow<'_, str> {
    if message.starts_with(ERROR_PREFIX) {
        Cow::Borrowed(message)
    } else {
        Cow::Owned(format!("{ERROR_PREFIX}{message}"))
    }
}

/// Runs `command`, writing what it reports to `out` (stdout for the binary).
pub fn execute(command: Command, out: &mut dyn Write) -> Result<(), Failure> {
    match command {
        Command::Run(a) => run::run(a, out),
        Command::Compare(a) => run::compare(a, out),
        Command::Reproduce(a) => reproduce::reproduce(a, out),
        Command::Validate { scenario } => files::validate(&scenario, out),
        Command::Init { file } => files::init(&file, out),
        Command::Explain(args) => files::explain(&args, out),
        Command::Schema => files::schema(out),
        Command::Plot { dir } => files::plot(&dir, out),
        Command::Report { dir } => files::report(&dir, out),
        Command::Sweep(a) => sweep::sweep(a, out),
        Command::Calibrate(a) => calibrate::calibrate(a, out),
        Command::Merge { dir, no_plots } => {
            if run::is_sharded_run(&dir) {
                run::merge_run(&dir, no_plots, out)
            } else {
                sweep::merge(&dir, out)
            }
        }
        Command::SlurmScript(a) => sweep::slurm_script(a, out),
        Command::Sensitivity(a) => analysis::sensitivity(a, out),
        Command::City(a) => {
            eprintln!("note: `carenet city` is an alias of `carenet run`, which runs any scenario street by street");
            run::run(a, out)
        }
        Command::Reference { command } => reference::reference(command, out),
        Command::Completions { shell } => completions(shell, out),
        Command::List(args) => files::list(&args, out),
    }
}

/// A failed write to `out` (stdout): a runtime failure, except that a reader
/// that closed the pipe (`| head -1`) ends the command quietly ([`Failure::StdoutClosed`]).
pub(crate) fn stdout_failure(e: std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Failure::StdoutClosed
    } else {
        Failure::Runtime(format!("writing stdout: {e}"))
    }
}

/// Refuses the flags a command was given but does not use: each `(given, flag, why)`
/// with `given` set is bad input.
pub(crate) fn refuse_unused(flags: &[(bool, &str, &str)]) -> Result<(), Failure> {
    match flags.iter().find(|(given, ..)| *given) {
        Some((_, flag, why)) => Err(Failure::Input(format!("{flag} is not used by this command: {why}"))),
        None => Ok(()),
    }
}

/// `carenet completions SHELL`: the shell's completion script.
fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> Result<(), Failure> {
    use clap::CommandFactory;
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "carenet", &mut buf);
    out.write_all(&buf).map_err(stdout_failure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_print_exactly_one_prefix() {
        let plain = Failure::Runtime("writing out/x.csv: disk full".into());
        assert_eq!(plain.to_string(), "error: writing out/x.csv: disk full");
        let prefixed = Failure::Input("error: a.toml:3:1: unknown key `x`".into());
        assert_eq!(prefixed.to_string(), "error: a.toml:3:1: unknown key `x`");
        // Several diagnostics, each its own error line, are left as they are.
        let two = Failure::Input("error: a\nerror: b".into());
        assert_eq!(two.to_string(), "error: a\nerror: b");
    }

    #[test]
    fn commands_write_their_report_to_the_given_output() {
        let small = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/examples/small.toml");
        let mut out = Vec::new();
        execute(Command::Validate { scenario: small.clone() }, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with(&format!("{}: ok (scenario `", small.display())), "{text}");
        assert_eq!(text.lines().count(), 1);
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("t.toml");
        let mut out = Vec::new();
        execute(Command::Init { file: file.clone() }, &mut out).unwrap();
        assert!(file.exists());
        let again = execute(Command::Init { file }, &mut Vec::new()).unwrap_err();
        assert_eq!(again.exit_code(), 2);
        assert!(again.to_string().starts_with("error: ") && again.to_string().contains("never overwrites"));
    }

    #[test]
    fn exit_codes_are_2_for_input_and_1_for_runtime() {
        assert_eq!(Failure::input("x").exit_code(), 2);
        assert_eq!(Failure::runtime("x").exit_code(), 1);
        assert_eq!(Failure::writing(std::path::Path::new("d/f"), "no").message(), "writing d/f: no");
    }
}
