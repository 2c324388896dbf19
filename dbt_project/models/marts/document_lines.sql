-- Every line of every document version in dim_document, counted by table and kind: parsed
-- into a row, recognised as layout (title, unit, header, blank, total, note), or not
-- understood. Nothing is dropped without being counted here.

with versions as (
    select document_id, source_sha256, fiscal_year, department_name, status
    from {{ ref('dim_document') }}
),

published as (
    select * from {{ ref('stg_published_line_counts') }}
),

latest_read as (
    select * from {{ ref('stg_line_counts') }}
),

counted as (
    select versions.*, published.table_no, published.line_kind, published.lines
    from versions
    inner join published on published.document_id = versions.document_id
    where versions.status = 'published'
    union all
    select versions.*, latest_read.table_no, latest_read.line_kind, latest_read.lines
    from versions
    inner join latest_read on latest_read.document_id = versions.document_id
    where versions.status = 'rejected'
)

select
    document_id,
    source_sha256,
    fiscal_year,
    department_name,
    status as document_status,
    table_no,
    line_kind,
    lines
from counted
