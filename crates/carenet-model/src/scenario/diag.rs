//! Diagnostics for scenario files: what is wrong, and where.
//!
//! - [`Diagnostic`]: one problem, with the file it is in, an optional
//!   [`Position`] (1-based line and column) and notes such as "did you mean" or
//!   the allowed values.
//! - [`ScenarioError`]: one or more diagnostics; what [`crate::scenario::load`]
//!   returns when a scenario cannot be used.
//!
//! A diagnostic renders as a header line followed by indented notes:
//!
//! ```text
//! error: scenarios/bad.toml:3:1: unknown key `loneliness.rise_weekyl`
//!   did you mean `rise_weekly`?
//!   allowed keys: severe_threshold, moderate_threshold, …
//! ```

use std::fmt;

/// At most this many diagnostics are kept in one [`ScenarioError`]; the rest are
/// counted.
pub const MAX_DIAGNOSTICS: usize = 20;

/// A place in a text file, both numbers 1-based; the column counts characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` in `text` (clamped to the text).
    pub fn from_offset(text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Position { line: before.matches('\n').count() + 1, column: before[line_start..].chars().count() + 1 }
    }
}

/// One problem in a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file as shown to the user (a path, or `<built-in wutong.toml>`);
    /// `None` when the problem belongs to no file.
    pub file: Option<String>,
    /// Where in the file, when known.
    pub position: Option<Position>,
    /// One line saying what is wrong.
    pub message: String,
    /// Further lines: suggestions, allowed values, provenance.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// A diagnostic with no file.
    pub fn new(message: impl Into<String>) -> Diagnostic {
        Diagnostic { file: None, position: None, message: message.into(), notes: Vec::new() }
    }

    /// Sets the file (without a position).
    pub fn in_file(mut self, file: impl Into<String>) -> Diagnostic {
        self.file = Some(file.into());
        self
    }

    /// Sets the position.
    pub fn at(mut self, position: Position) -> Diagnostic {
        self.position = Some(position);
        self
    }

    /// Adds a note line.
    pub fn note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("error: ")?;
        match (&self.file, self.position) {
            (Some(file), Some(p)) => write!(f, "{file}:{}:{}: ", p.line, p.column)?,
            (Some(file), None) => write!(f, "{file}: ")?,
            (None, _) => {}
        }
        f.write_str(&self.message)?;
        for note in &self.notes {
            write!(f, "\n  {note}")?;
        }
        Ok(())
    }
}

/// Why a scenario could not be loaded: one or more [`Diagnostic`]s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    diagnostics: Vec<Diagnostic>,
    omitted: usize,
}

impl ScenarioError {
    /// Keeps the first [`MAX_DIAGNOSTICS`] diagnostics and counts the rest.
    pub fn new(mut diagnostics: Vec<Diagnostic>) -> ScenarioError {
        let omitted = diagnostics.len().saturating_sub(MAX_DIAGNOSTICS);
        diagnostics.truncate(MAX_DIAGNOSTICS);
        ScenarioError { diagnostics, omitted }
    }

    /// The diagnostics kept, in the order found.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// How many further diagnostics were dropped beyond [`MAX_DIAGNOSTICS`].
    pub fn omitted(&self) -> usize {
        self.omitted
    }
}

impl From<Diagnostic> for ScenarioError {
    fn from(d: Diagnostic) -> ScenarioError {
        ScenarioError::new(vec![d])
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{d}")?;
        }
        if self.omitted > 0 {
            write!(f, "\n… and {} more problems", self.omitted)?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(Position::from_offset(text, 0), Position { line: 1, column: 1 });
        assert_eq!(Position::from_offset(text, 6), Position { line: 2, column: 1 });
        // 'é' is two bytes: the '=' after "bé " is the 4th character.
        assert_eq!(Position::from_offset(text, 10), Position { line: 2, column: 4 });
        // Inside a multi-byte character and past the end: clamped.
        assert_eq!(Position::from_offset(text, 8), Position { line: 2, column: 2 });
        assert_eq!(Position::from_offset(text, 999), Position { line: 3, column: 1 });
    }

    #[test]
    fn renders_header_and_notes() {
        let d = Diagnostic::new("unknown key `x`")
            .in_file("a.toml")
            .at(Position { line: 3, column: 1 })
            .note("did you mean `y`?");
        assert_eq!(d.to_string(), "error: a.toml:3:1: unknown key `x`\n  did you mean `y`?");
        let many = ScenarioError::new(vec![Diagnostic::new("x"); MAX_DIAGNOSTICS + 2]);
        assert_eq!(many.diagnostics().len(), MAX_DIAGNOSTICS);
        assert!(many.to_string().ends_with("… and 2 more problems"));
    }
}
