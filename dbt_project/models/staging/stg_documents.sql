-- Published department budgets (部门预算). The final accounts (决算) of the same department and
-- year are published beside them (stg_final_account_documents), and so are the budgets of single
-- units (单位预算, stg_unit_budget_documents), whose figures the department's budget already
-- holds: the budget marts see department budgets only.

with source as (
    select * from {{ source('accepted', 'documents') }}
    where
        coalesce(document_kind, 'budget') = 'budget'
        and coalesce(scope, 'department') = 'department'
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
        'department' as scope,
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
