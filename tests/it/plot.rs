//! `carenet plot` and `carenet report`: every plot kind from a small run and from fixtures of
//! compare.csv and claims.csv; PNGs decode, have their size and are not blank; SVGs are
//! well-formed and deterministic; report.html is self-contained and, with the `chromium`
//! feature (scripts/test turns it on), renders in headless Chromium.

use std::path::Path;

use crate::support::{carenet, small, text};

/// Runs the small scenario (3 replications, 60 weeks) into `out`.
fn small_run(out: &Path, extra: &[&str]) {
    let scenario = small();
    let mut args = vec!["run", &scenario, "--reps", "3", "--weeks", "60", "-q", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = carenet(&args, out.parent().unwrap());
    assert!(o.status.success(), "{}", text(&o));
}

/// A comparison of three packages with the baseline, in the format of `carenet compare`.
const COMPARE_CSV: &str = "\
package,metric,community_type,mean,ci_low,ci_high,diff,diff_ci_low,diff_ci_high,n,estimable
baseline,unmet_help_rate,all,0.30,0.28,0.32,0,0,0,20,
baseline,isolation_rate,all,0.10,0.09,0.11,0,0,0,20,
baseline,cost_per_unmet_hour_averted,all,,,,,,,20,
more_students,unmet_help_rate,all,0.27,0.25,0.29,-0.03,-0.04,-0.02,20,
more_students,unmet_help_rate,village,0.25,0.22,0.28,-0.02,-0.035,-0.005,20,
more_students,isolation_rate,all,0.10,0.09,0.11,-0.004,-0.012,0.003,20,
more_students,unmet_help_hours_per_year,all,150000,140000,160000,-18000,-22000,-14000,20,
more_students,cost_total_yuan,all,1400000,1400000,1400000,400000,380000,420000,20,
more_students,cost_per_unmet_hour_averted,all,22.2,18.5,27.0,22.2,18.5,27.0,20,true
paid_vouchers,unmet_help_rate,all,0.25,0.23,0.27,-0.05,-0.06,-0.04,20,
paid_vouchers,isolation_rate,all,0.11,0.10,0.12,0.002,-0.003,0.007,20,
paid_vouchers,unmet_help_hours_per_year,all,140000,130000,150000,-28000,-33000,-23000,20,
paid_vouchers,cost_total_yuan,all,2000000,1900000,2100000,1000000,950000,1050000,20,
paid_vouchers,cost_per_unmet_hour_averted,all,35.7,33.1,38.3,35.7,33.1,38.3,20,true
activities,unmet_help_rate,all,0.29,0.27,0.31,-0.008,-0.015,-0.001,20,
activities,isolation_rate,all,0.08,0.07,0.09,-0.025,-0.03,-0.02,20,
activities,unmet_help_hours_per_year,all,165000,155000,175000,-4000,-9000,1000,20,
activities,cost_total_yuan,all,1100000,1050000,1150000,100000,90000,110000,20,
activities,cost_per_unmet_hour_averted,all,,,,,,,20,false
";

/// Claims of the study with their verdicts, in the format of `carenet reproduce`.
const CLAIMS_CSV: &str = "\
claim,role,kind,section,quote_zh,statement_en,metric,group,sesoi,effect,ci_low,ci_high,verdict,emergent_share,robust_share,structures_survived
D1,claim,diagnosis,3.2,社区成员间彼此不熟悉,\"Villages keep denser ties than commercial estates, so fewer elders are isolated there\",isolation_rate,village_to_residence vs commercial_estate,0.01,-0.052,-0.07,-0.034,supported,0.4,0.95,
D2,claim,diagnosis,3.3,资金有限,Resettlement breaks ties and raises loneliness,loneliness_mean,all,0.01,0.012,-0.004,0.028,inconclusive,,0.55,
R1,claim,remedy,4.1,照护补贴,Student volunteers reduce `unmet_help_rate_grade1` of *grade-1* elders,unmet_help_rate_grade1,all,0.005,0.01,0.004,0.016,contradicted,0.1,0.8,none
R1,spillover,remedy,4.1,,spillover on grade2 (unmet_help_rate_grade2); HARMS this group while the remedy helps its target,unmet_help_rate_grade2,grade2,0.005,0.03,0.02,0.04,contradicted,,,
R2,claim,remedy,4.3,会员联盟,Public spending per elder is highest in villages,public_yuan_per_elder_week,all,0.5,0.001,-0.01,0.01,negligible,,,
";

/// The plots of a run and their sizes in pixels.
const RUN_PLOTS: &[(&str, u32, u32)] = &[
    ("timeseries_isolation_rate", 1100, 580),
    ("timeseries_unmet_help_rate", 1100, 580),
    ("timeseries_loneliness_mean", 1100, 580),
    ("timeseries_grade1_underserved_rate", 1100, 580),
    ("grade_shares", 1100, 560),
    ("hours_by_source", 1200, 600),
    ("networks", 1720, 760),
];

/// The plots of the fixtures and their sizes in pixels.
const FIXTURE_PLOTS: &[(&str, u32, u32)] =
    [("compare_forest", 1100, 376), ("compare_ce_plane", 1300, 760), ("claims", 1200, 494)].as_slice();

/// A decoded PNG as RGB pixels.
struct Image {
    width: u32,
    height: u32,
    rgb: Vec<[u8; 3]>,
}

fn decode_png(path: &Path) -> Image {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut buf = vec![0; reader.output_buffer_size().expect("buffer size")];
    let info = reader.next_frame(&mut buf).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let channels = info.color_type.samples();
    let rgb = buf[..info.buffer_size()]
        .chunks_exact(channels)
        .map(|p| match channels {
            1 | 2 => [p[0]; 3],
            _ => [p[0], p[1], p[2]],
        })
        .collect();
    Image { width: info.width, height: info.height, rgb }
}

/// Fails unless the image has more than `min_colours` distinct colours and more than
/// `min_ink` of its pixels differ from its most common (background) colour.
fn assert_not_blank(path: &Path, img: &Image, min_colours: usize, min_ink: f64) {
    let mut counts = std::collections::HashMap::new();
    for p in &img.rgb {
        *counts.entry(*p).or_insert(0usize) += 1;
    }
    let background = counts.values().copied().max().unwrap_or(0);
    let ink = 1.0 - background as f64 / img.rgb.len().max(1) as f64;
    assert!(counts.len() > min_colours, "{}: only {} colours", path.display(), counts.len());
    assert!(ink > min_ink, "{}: only {:.2}% of pixels drawn", path.display(), ink * 100.0);
}

/// Checks `dir/plots/NAME.png` (decodes, size, not blank) and `NAME.svg` (well-formed, size).
fn check_plot(dir: &Path, name: &str, width: u32, height: u32) {
    let png_path = dir.join("plots").join(format!("{name}.png"));
    let img = decode_png(&png_path);
    assert_eq!((img.width, img.height), (width, height), "{}", png_path.display());
    assert_not_blank(&png_path, &img, 20, 0.02);

    let svg_path = dir.join("plots").join(format!("{name}.svg"));
    let svg = std::fs::read_to_string(&svg_path).unwrap_or_else(|e| panic!("{}: {e}", svg_path.display()));
    let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{}: not XML: {e}", svg_path.display()));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some(width.to_string().as_str()));
    assert_eq!(root.attribute("height"), Some(height.to_string().as_str()));
    assert!(doc.descendants().filter(|n| n.has_tag_name("text")).count() >= 3, "{name}.svg has no title or labels");
    // Words for people: no snake_case name and no Markdown in an image.
    for t in svg_texts(&svg) {
        assert!(!t.1.contains('_') && !t.1.contains('`') && !t.1.contains('*'), "{name}.svg shows {:?}", t.1);
    }
}

/// The text elements of an SVG: (y, text), in document order.
fn svg_texts(svg: &str) -> Vec<(f64, String)> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| {
            let y = n.attribute("y").and_then(|y| y.parse().ok()).unwrap_or(f64::NAN);
            let t: String = n.descendants().filter(|d| d.is_text()).filter_map(|d| d.text()).collect();
            (y, t.trim().to_string())
        })
        .collect()
}

fn read_all(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn run_draws_every_plot_deterministically() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("small");
    small_run(&out, &[]);
    for (name, w, h) in RUN_PLOTS {
        check_plot(&out, name, *w, *h);
    }
    // Without compare.csv and claims.csv their plots are not drawn.
    for (name, _, _) in FIXTURE_PLOTS {
        assert!(!out.join("plots").join(format!("{name}.svg")).exists(), "{name} drawn without its input");
    }
    // Drawing again gives the same bytes.
    let first = read_all(&out.join("plots"));
    assert_eq!(first.len(), 2 * RUN_PLOTS.len());
    let o = carenet(&["plot", out.to_str().unwrap()], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("wrote 7 plots"), "{}", text(&o));
    assert!(first == read_all(&out.join("plots")), "plots differ between two draws of the same files");
}

#[test]
fn compare_and_claims_fixtures_give_their_plots() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("fixtures");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("compare.csv"), COMPARE_CSV).unwrap();
    std::fs::write(dir.join("claims.csv"), CLAIMS_CSV).unwrap();
    let o = carenet(&["plot", dir.to_str().unwrap()], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    for (name, w, h) in FIXTURE_PLOTS {
        check_plot(&dir, name, *w, *h);
    }
    let forest = svg_texts(&std::fs::read_to_string(dir.join("plots/compare_forest.svg")).unwrap());
    // Rows top to bottom as the stdout table: largest fall in unmet help first.
    let mut rows: Vec<&(f64, String)> =
        forest.iter().filter(|(_, t)| ["more students", "paid vouchers", "activities"].contains(&t.as_str())).collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let order: Vec<&str> = rows.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(order, ["paid vouchers", "more students", "activities"]);
    assert!(!forest.iter().any(|(_, t)| t == "baseline"), "the baseline is not a row of the forest plot");
    let plane = svg_texts(&std::fs::read_to_string(dir.join("plots/compare_ce_plane.svg")).unwrap());
    let has = |s: &str| plane.iter().any(|(_, t)| t == s);
    assert!(has("more students") && has("¥22.2 per unmet hour averted"), "the key gives the cost per hour: {plane:?}");
    assert!(plane.iter().any(|(_, t)| t.contains("not estimable")), "activities' interval includes zero: {plane:?}");
    let claims = std::fs::read_to_string(dir.join("plots/claims.svg")).unwrap();
    assert!(
        claims.contains("1 supported, 1 negligible, 1 contradicted, 1 inconclusive"),
        "spillover rows are not plotted"
    );

    // Without the hours metric there is no cost-effectiveness plane, and nothing fails.
    let partial = tmp.path().join("partial");
    std::fs::create_dir_all(&partial).unwrap();
    let rows: String =
        COMPARE_CSV.lines().filter(|l| !l.contains("unmet_help_hours_per_year")).map(|l| format!("{l}\n")).collect();
    std::fs::write(partial.join("compare.csv"), rows).unwrap();
    let o = carenet(&["plot", partial.to_str().unwrap()], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    assert!(partial.join("plots/compare_forest.png").exists());
    assert!(!partial.join("plots/compare_ce_plane.png").exists());
}

#[test]
fn compare_plots_follow_the_stdout_table_and_ratios_say_when_not_estimable() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cmp");
    let scenario = small();
    let args = [
        "compare",
        &scenario,
        "--packages",
        "care_subsidy,time_bank,student_credits,counselling",
        "--reps",
        "2",
        "--weeks",
        "30",
        "--out",
        out.to_str().unwrap(),
    ];
    let o = carenet(&args, tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    let table: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("package "))
        .skip(1)
        .take_while(|l| !l.starts_with("not estimable") && !l.trim().is_empty() && !l.contains(" packages ×"))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|p| *p != "baseline")
        .collect();
    assert_eq!(table.len(), 4, "{stdout}");
    let forest = svg_texts(&std::fs::read_to_string(out.join("plots/compare_forest.svg")).unwrap());
    let labels: Vec<String> = table.iter().map(|p| carenet_plot::labels::package(p)).collect();
    let mut rows: Vec<&(f64, String)> = forest.iter().filter(|(_, t)| labels.contains(t)).collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let drawn: Vec<&String> = rows.iter().map(|(_, t)| t).collect();
    assert_eq!(drawn, labels.iter().collect::<Vec<_>>(), "forest rows against the table:\n{stdout}");

    // compare.csv: every package's ratios say whether they are estimable; a ratio that is not is
    // blank, and stdout names the package.
    let csv = std::fs::read_to_string(out.join("compare.csv")).unwrap();
    let mut seen_false = Vec::new();
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 11, "{line}");
        let ratio = f[1].starts_with("cost_per_");
        match (f[0], ratio, f[10]) {
            ("baseline", _, e) | (_, false, e) => assert_eq!(e, "", "{line}"),
            (_, true, "true") => assert!(!f[3].is_empty(), "{line}"),
            (p, true, "false") => {
                assert!(f[3..9].iter().all(|v| v.is_empty()), "{line}");
                if f[1] == "cost_per_unmet_hour_averted" && f[2] == "all" {
                    seen_false.push(p.to_string());
                }
            }
            _ => panic!("estimable must be true or false on a ratio: {line}"),
        }
    }
    for p in &seen_false {
        let row = stdout.lines().find(|l| l.starts_with(p.as_str())).unwrap();
        assert!(row.trim_end().ends_with("not estimable"), "{row}");
        assert!(stdout.contains("not estimable: no cost per hour averted"), "{stdout}");
        assert!(stdout.lines().any(|l| l.starts_with(&format!("  {p}: "))), "{stdout}");
    }
}

#[test]
fn plot_and_report_fail_with_exit_1_on_nothing_to_draw() {
    let tmp = tempfile::tempdir().unwrap();
    for cmd in ["plot", "report"] {
        let o = carenet(&[cmd, "no_such_dir"], tmp.path());
        assert_eq!(o.status.code(), Some(1), "{cmd}: {}", text(&o));
        assert!(text(&o).contains("no_such_dir: not a directory"), "{}", text(&o));
    }
    let o = carenet(&["plot", "."], tmp.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("nothing to plot"), "{}", text(&o));
    // A malformed CSV names the file.
    std::fs::write(tmp.path().join("claims.csv"), "statement\nonly\n").unwrap();
    let o = carenet(&["plot", "."], tmp.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("claims.csv: no column `claim`"), "{}", text(&o));
}

/// Runs the small scenario without plots into `tmp/small`, adds the compare and claims
/// fixtures and writes the report; returns the directory.
fn small_report(tmp: &Path) -> std::path::PathBuf {
    let out = tmp.join("small");
    small_run(&out, &["--no-plots"]);
    assert!(!out.join("plots").exists(), "--no-plots drew plots");
    std::fs::write(out.join("compare.csv"), COMPARE_CSV).unwrap();
    std::fs::write(out.join("claims.csv"), CLAIMS_CSV).unwrap();
    let o = carenet(&["report", out.to_str().unwrap()], tmp);
    assert!(o.status.success(), "{}", text(&o));
    out
}

#[test]
fn report_is_self_contained() {
    let tmp = tempfile::tempdir().unwrap();
    let out = small_report(tmp.path());
    // The report drew the missing plots.
    for (name, _, _) in RUN_PLOTS.iter().chain(FIXTURE_PLOTS) {
        assert!(out.join("plots").join(format!("{name}.svg")).exists(), "report did not draw {name}");
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let lower = html.to_lowercase();
    for banned in ["http://", "https://", "src=\"//", "href=\"//", "<script", "@import", "url("] {
        assert!(!lower.contains(banned), "report.html contains `{banned}`");
    }
    assert!(html.contains("<title>carenet report: small</title>"));
    assert!(html.contains("@media print") && html.contains("overflow-x: auto"), "responsive and printable CSS");
    for part in [
        "Small test street",
        "<dt>replications</dt><dd>3</dd>",
        "<dt>elders at the start</dt><dd>450</dd>",
        "id=\"results\"",
        "id=\"breakdowns\"",
        "<th scope=\"row\">living alone</th>",
        "<th scope=\"row\">grade 1</th>",
        "<th scope=\"row\">age 95+</th>",
        "id=\"compare\"",
        "id=\"claims\"",
        "paid vouchers",
        "not estimable",
        "No cost per unmet hour averted can be estimated for activities",
        "Resettlement breaks ties",
        "badge contradicted",
        "Spillovers of the remedies",
        "⚠ harms this group",
        "⚠ harms a group",
        ">negligible</span>",
        "id=\"fig-networks\"",
        "id=\"fig-compare_ce_plane\"",
    ] {
        assert!(html.contains(part), "report.html lacks {part}");
    }
    assert_eq!(html.matches("<svg ").count(), RUN_PLOTS.len() + FIXTURE_PLOTS.len());
    // Writing it again gives the same page.
    let o = carenet(&["report", out.to_str().unwrap()], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    assert!(html == std::fs::read_to_string(out.join("report.html")).unwrap(), "report differs on rewrite");
}

/// Headless Chromium: it needs the browser, so it is behind the `chromium` feature.
#[cfg(feature = "chromium")]
mod chromium {
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    use super::{assert_not_blank, decode_png, small_report};

    /// Chromium: `CHROMIUM` or Debian's /usr/bin/chromium (scripts/test installs it).
    fn chromium() -> PathBuf {
        let path =
            std::env::var_os("CHROMIUM").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
        assert!(
            path.exists(),
            "headless Chromium not found at {} (set CHROMIUM): scripts/test installs it \
             (apt-get install --no-install-recommends chromium)",
            path.display()
        );
        path
    }

    /// What headless Chromium printed.
    struct ChromiumOutput {
        stdout: String,
        stderr: String,
    }

    /// Runs headless Chromium on `url` with `args` (profile and output files in `work`), killing it
    /// after two minutes. Its output goes to files: a pipe that nobody reads would fill and block it.
    fn run_chromium(work: &Path, name: &str, args: &[&str], url: &str) -> ChromiumOutput {
        let (out_path, err_path) = (work.join(format!("{name}.stdout")), work.join(format!("{name}.stderr")));
        let mut child = Command::new(chromium())
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
            ])
            .arg(format!("--user-data-dir={}", work.join(format!("{name}-profile")).display()))
            .args(args)
            .arg(url)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&out_path).unwrap())
            .stderr(std::fs::File::create(&err_path).unwrap())
            .spawn()
            .expect("start chromium");
        let deadline = Instant::now() + Duration::from_secs(120);
        while child.try_wait().expect("wait for chromium").is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium did not finish within two minutes");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        ChromiumOutput {
            stdout: std::fs::read_to_string(&out_path).unwrap_or_default(),
            stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
        }
    }

    #[test]
    fn report_renders_in_chromium() {
        let tmp = tempfile::tempdir().unwrap();
        let out = small_report(tmp.path());
        // Chromium opens it: the DOM has the title, the screenshot is not blank.
        let url = format!("file://{}", out.join("report.html").display());
        let dom = run_chromium(tmp.path(), "dom", &["--dump-dom"], &url);
        assert!(dom.stdout.contains("carenet report: small"), "chromium --dump-dom: {}{}", dom.stdout, dom.stderr);
        let shot = tmp.path().join("shot.png");
        let screenshot = format!("--screenshot={}", shot.display());
        let o = run_chromium(tmp.path(), "shot", &[&screenshot, "--window-size=1200,1600"], &url);
        assert!(shot.exists(), "chromium wrote no screenshot: {}", o.stderr);
        let img = decode_png(&shot);
        assert_eq!((img.width, img.height), (1200, 1600));
        assert_not_blank(&shot, &img, 50, 0.02);
    }

    /// The report of a comparison of every package at the width of a printed A4 page (190 mm
    /// between margins ≈ 720 CSS pixels): nothing is wider than the page, no table scrolls
    /// sideways. A copy of the page gets a script that writes the widths into the DOM (the
    /// report itself has no script).
    #[test]
    fn report_fits_the_width_of_a_printed_page() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("cmp");
        let scenario = crate::support::small();
        let args = ["compare", &scenario, "--reps", "2", "--weeks", "20", "--out", out.to_str().unwrap()];
        let o = crate::support::carenet(&args, tmp.path());
        assert!(o.status.success(), "{}", crate::support::text(&o));
        let html = std::fs::read_to_string(out.join("report.html")).unwrap();
        assert!(html.matches("<table class=\"packages\">").count() >= 2, "the package table is split");
        let probe = "<script>\
            const wide = [...document.querySelectorAll('.scroll, table, figure, p, dl')]\
              .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.tagName + '.' + e.className);\
            document.body.setAttribute('data-probe', document.documentElement.scrollWidth + ' ' + window.innerWidth + ' ' + wide.join(','));\
            </script></body>";
        let probed = out.join("probe.html");
        std::fs::write(&probed, html.replace("</body>", probe)).unwrap();
        let url = format!("file://{}", probed.display());
        let dom = run_chromium(tmp.path(), "print-width", &["--dump-dom", "--window-size=720,1400"], &url);
        let at = dom.stdout.find("data-probe=\"").unwrap_or_else(|| panic!("no probe: {}{}", dom.stdout, dom.stderr));
        let probe: &str = dom.stdout[at + 12..].split('"').next().unwrap();
        let mut parts = probe.splitn(3, ' ');
        let (page, window) = (parts.next().unwrap(), parts.next().unwrap());
        let wide = parts.next().unwrap_or("");
        let (page, window): (u32, u32) = (page.parse().unwrap(), window.parse().unwrap());
        assert!(window <= 720, "window {window}");
        assert!(page <= window, "the page is {page} px wide in a {window} px window");
        assert!(wide.is_empty(), "elements wider than the page: {wide}");
        // A screenshot at that width, and the page printed to PDF.
        let shot = tmp.path().join("print-width.png");
        let arg = format!("--screenshot={}", shot.display());
        run_chromium(
            tmp.path(),
            "print-shot",
            &[&arg, "--window-size=720,2400"],
            &format!("file://{}", out.join("report.html").display()),
        );
        let img = decode_png(&shot);
        assert_eq!(img.width, 720);
        assert_not_blank(&shot, &img, 50, 0.02);
        let pdf = tmp.path().join("report.pdf");
        let arg = format!("--print-to-pdf={}", pdf.display());
        run_chromium(
            tmp.path(),
            "pdf",
            &[&arg, "--no-pdf-header-footer"],
            &format!("file://{}", out.join("report.html").display()),
        );
        let bytes = std::fs::read(&pdf).expect("chromium printed no PDF");
        assert!(bytes.starts_with(b"%PDF") && bytes.len() > 10_000, "{} bytes", bytes.len());
        if let Some(keep) = std::env::var_os("CARENET_KEEP_SCREENSHOT") {
            std::fs::copy(&shot, keep).unwrap();
        }
    }
}
