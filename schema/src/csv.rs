//! tabdump CSV formatting and the tabrestore parser (stock quoting rules, schema.md §5.1-5.2).

/// Header line `#c1,c2,...`.
pub fn header_line(cols: &[&str]) -> String {
    let _ = cols;
    todo!()
}

/// One tabdump data line.
pub fn format_row(values: &[Option<&str>]) -> String {
    let _ = values;
    todo!()
}
