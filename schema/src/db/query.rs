//! A dynamic SQL statement for Diesel: SQL text fragments and bound `Nullable<Text>` values.
//! Unlike `diesel::sql_query` it is safe to cache, so Diesel keeps one prepared statement per
//! distinct SQL text per connection (repeated UPDATEs/INSERTs are prepared once). Rows of any
//! width are read through Diesel's `LoadConnection`/`Row`/`Field` traits.

use diesel::backend::Backend;
use diesel::connection::{DefaultLoadingMode, LoadConnection};
use diesel::deserialize::FromSql;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::row::{Field, Row as _};
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Nullable, Text, Untyped};
use diesel::QueryResult;

/// One piece of a statement.
enum Part {
    Sql(String),
    Bind(Option<String>),
}

/// A statement assembled at run time. Identifiers must come from the registry or the
/// database's own column list and be quoted with [`quote_ident`]; values are always bound.
#[derive(Default)]
pub(crate) struct DynQuery {
    parts: Vec<Part>,
}

impl DynQuery {
    pub(crate) fn new(sql: impl Into<String>) -> Self {
        DynQuery {
            parts: vec![Part::Sql(sql.into())],
        }
    }

    /// Appends SQL text (never user data).
    pub(crate) fn sql(&mut self, sql: &str) -> &mut Self {
        match self.parts.last_mut() {
            Some(Part::Sql(s)) => s.push_str(sql),
            _ => self.parts.push(Part::Sql(sql.to_string())),
        }
        self
    }

    /// Appends a bound text parameter.
    pub(crate) fn bind(&mut self, value: Option<String>) -> &mut Self {
        self.parts.push(Part::Bind(value));
        self
    }

    pub(crate) fn bind_str(&mut self, value: &str) -> &mut Self {
        self.bind(Some(value.to_string()))
    }
}

/// `"ident"` with embedded quotes doubled.
pub(crate) fn quote_ident(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

impl QueryId for DynQuery {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for DynQuery {
    type SqlType = Untyped;
}

impl<DB> QueryFragment<DB> for DynQuery
where
    DB: Backend + HasSqlType<Text>,
    Option<String>: ToSql<Nullable<Text>, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        for part in &self.parts {
            match part {
                Part::Sql(s) => out.push_sql(s),
                Part::Bind(v) => out.push_bind_param::<Nullable<Text>, Option<String>>(v)?,
            }
        }
        Ok(())
    }
}

impl<C> diesel::RunQueryDsl<C> for DynQuery {}

/// Runs a statement and reads every row as `ncols` optional strings.
pub(crate) fn load_rows<C>(
    conn: &mut C,
    q: DynQuery,
    ncols: usize,
) -> QueryResult<Vec<Vec<Option<String>>>>
where
    C: LoadConnection<DefaultLoadingMode>,
    DynQuery: QueryFragment<C::Backend>,
    String: FromSql<Text, C::Backend>,
{
    let mut out = Vec::new();
    for row in conn.load(q)? {
        let row = row?;
        let mut values = Vec::with_capacity(ncols);
        for i in 0..ncols {
            let field = row.get(i).ok_or_else(|| {
                diesel::result::Error::DeserializationError("missing column in result".into())
            })?;
            let value = match field.value() {
                None => None,
                Some(raw) => Some(
                    <String as FromSql<Text, C::Backend>>::from_sql(raw)
                        .map_err(diesel::result::Error::DeserializationError)?,
                ),
            };
            values.push(value);
        }
        out.push(values);
    }
    Ok(out)
}
