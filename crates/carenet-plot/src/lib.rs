//! carenet-plot: the plots of an output directory ([`plot::plot_dir`]: SVG and PNG,
//! text in the embedded DejaVu Sans) and its self-contained HTML page
//! ([`report::write_report`]). Reads what `carenet-io` wrote; never runs the model.

pub mod labels;
pub mod plot;
pub mod report;
