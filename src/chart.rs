//! SVG bar charts written as text, for the simulation report (`bashgah simulate --html`)
//! and the console's overview: bars of one or more series over the same labels, an axis
//! with its scale, a legend, and each bar's figure in its `<title>` (shown on hover).
//!
//! The chart does not choose digits or units: the caller gives the labels as shown and a
//! function that writes a value, so a Persian page gets Persian digits in its axis and
//! titles. Time runs left to right in either language: a right-to-left page keeps the
//! SVG itself `direction: ltr`.

use std::fmt::Write as _;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// Escapes text for HTML and SVG (text and attribute values).
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One series of bars: its name (in the legend and the titles), its colour and a value
/// per label.
pub struct Series<'a> {
    pub name: &'a str,
    pub colour: &'a str,
    pub values: Vec<Decimal>,
}

/// A bar chart: the labels under the groups of bars, as shown (a `\n` breaks one in two
/// lines), and the series.
pub struct BarChart<'a> {
    /// The chart's accessible name (and the caption of [`BarChart::figure`]).
    pub title: &'a str,
    pub labels: &'a [String],
    pub series: &'a [Series<'a>],
    /// How a value is written: grouped, in the page's digits.
    pub shown: &'a dyn Fn(Decimal) -> String,
}

const WIDTH: f64 = 860.0;
const HEIGHT: f64 = 280.0;
const PAD: f64 = 48.0;

impl BarChart<'_> {
    /// The chart in a `<figure>` with its title as the caption.
    pub fn figure(&self) -> String {
        format!(
            "<figure><figcaption>{}</figcaption>{}</figure>",
            escape(self.title),
            self.svg()
        )
    }

    /// The `<svg>` alone.
    pub fn svg(&self) -> String {
        // Chart geometry is drawing, not money: f64 is fine for pixel positions. Bars
        // below zero are drawn as zero (the table beside a chart gives the figure).
        let top = self
            .series
            .iter()
            .flat_map(|series| series.values.iter())
            .copied()
            .fold(Decimal::ONE, Decimal::max);
        let max = top.to_f64().unwrap_or(1.0).max(1.0);
        let groups = self.labels.len().max(1) as f64;
        let group_width = (WIDTH - 2.0 * PAD) / groups;
        let bar_width = (group_width * 0.8) / self.series.len().max(1) as f64;
        let foot = HEIGHT - PAD;
        let mut svg = format!(
            r#"<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">"#,
            escape(self.title)
        );
        let _ = write!(
            svg,
            r##"<line x1="{PAD}" y1="{foot}" x2="{0}" y2="{foot}" stroke="#555"/>"##,
            WIDTH - PAD
        );
        for (i, label) in self.labels.iter().enumerate() {
            let x0 = PAD + i as f64 * group_width + group_width * 0.1;
            let named = label.replace('\n', " ");
            for (s, series) in self.series.iter().enumerate() {
                let value = series.values.get(i).copied().unwrap_or_default();
                let h = (HEIGHT - 2.0 * PAD) * value.to_f64().unwrap_or(0.0).max(0.0) / max;
                let title = if self.series.len() > 1 {
                    format!("{named} · {}: {}", series.name, (self.shown)(value))
                } else {
                    format!("{named}: {}", (self.shown)(value))
                };
                let _ = write!(
                    svg,
                    r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}"><title>{}</title></rect>"#,
                    x0 + s as f64 * bar_width,
                    foot - h,
                    bar_width.max(1.0),
                    h,
                    escape(series.colour),
                    escape(&title)
                );
            }
            let x = x0 + group_width * 0.4;
            // A label may take two lines (a month's name over its year).
            match label.split_once('\n') {
                Some((first, rest)) => {
                    let _ = write!(
                        svg,
                        r#"<text x="{x:.1}" y="{}" font-size="10" text-anchor="middle"><tspan x="{x:.1}">{}</tspan><tspan x="{x:.1}" dy="12">{}</tspan></text>"#,
                        foot + 14.0,
                        escape(first),
                        escape(rest)
                    );
                }
                None => {
                    let _ = write!(
                        svg,
                        r#"<text x="{x:.1}" y="{}" font-size="10" text-anchor="middle">{}</text>"#,
                        foot + 14.0,
                        escape(label)
                    );
                }
            }
        }
        // The scale: the largest value at the top of the axis, zero at its foot.
        let _ = write!(
            svg,
            r##"<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{foot}" stroke="#555"/><text x="{0}" y="{1}" font-size="10" text-anchor="end">{2}</text><text x="{0}" y="{foot}" font-size="10" text-anchor="end">{3}</text>"##,
            PAD - 4.0,
            PAD + 4.0,
            escape(&(self.shown)(top)),
            escape(&(self.shown)(Decimal::ZERO))
        );
        for (s, series) in self.series.iter().enumerate() {
            let _ = write!(
                svg,
                r#"<rect x="{}" y="8" width="10" height="10" fill="{}"/><text x="{}" y="17" font-size="11">{}</text>"#,
                PAD + s as f64 * 160.0,
                escape(series.colour),
                PAD + 14.0 + s as f64 * 160.0,
                escape(series.name)
            );
        }
        svg.push_str("</svg>");
        svg
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_carry_their_figures_and_labels_are_escaped() {
        let labels = vec!["<b>".to_owned(), "Dey\n1403".to_owned()];
        let series = [
            Series {
                name: "issued",
                colour: "#2b6cb0",
                values: vec![Decimal::new(40, 0), Decimal::new(-5, 0)],
            },
            Series {
                name: "spent",
                colour: "#c05621",
                values: vec![Decimal::new(10, 0), Decimal::ZERO],
            },
        ];
        let shown = |value: Decimal| value.to_string();
        let svg = BarChart {
            title: "Points & more",
            labels: &labels,
            series: &series,
            shown: &shown,
        }
        .svg();
        assert!(svg.starts_with(r#"<svg class="chart" role="img" aria-label="Points &amp; more""#));
        assert!(
            svg.contains("<title>&lt;b&gt; · issued: 40</title>"),
            "{svg}"
        );
        assert!(
            svg.contains("<title>Dey 1403 · issued: -5</title>"),
            "{svg}"
        );
        // A negative figure is drawn as no bar; the largest is the axis's top.
        assert!(svg.contains(r##"height="0.0" fill="#2b6cb0"><title>Dey 1403"##));
        assert!(svg.contains(r#"text-anchor="end">40</text>"#));
        assert!(
            svg.contains(r#"<tspan x="621.0">Dey</tspan><tspan x="621.0" dy="12">1403</tspan>"#),
            "{svg}"
        );
        assert!(!svg.contains("<b>"));
    }
}
