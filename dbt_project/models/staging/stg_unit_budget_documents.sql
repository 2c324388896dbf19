-- Published budgets of single units (单位预算): listed in dim_document, kept out of the budget
-- marts, since the budget of their department (部门预算) holds the same money
-- (docs/architecture.md, "Department and unit budgets").

with source as (
    select * from {{ source('accepted', 'documents') }}
    where
        coalesce(document_kind, 'budget') = 'budget'
        and scope = 'unit'
),

renamed as (
    select
        document_id,
        source_file,
        source_sha256,
        fiscal_year,
        department_name,
        scope,
        amount_units,
        template,
        encoding,
        line_ending,
        line_total,
        tables_found,
        parser_version,
        source_format,
        extractor,
        parsed_at,
        accepted_at
    from source
)

select * from renamed
