-- Published budgets. The final accounts (决算) of the same department and year are published
-- beside them (stg_final_account_documents); the budget marts see budgets only.

with source as (
    select * from {{ source('accepted', 'documents') }}
    where coalesce(document_kind, 'budget') = 'budget'
),

renamed as (
    select
        document_id,
        source_file,
        source_sha256,
        fiscal_year,
        department_name,
        amount_units,
        -- read before templates were recorded: only Beijing's layout was read then
        coalesce(template, 'beijing') as template,
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
