-- Every published document version (accepted.documents): the budgets of departments (部门预算)
-- and of single units (单位预算), and final accounts (决算). The budget marts join
-- int_department_budgets and the 决算 marts int_final_accounts.

with source as (
    select * from {{ source('accepted', 'documents') }}
),

renamed as (
    select
        document_id,
        source_file,
        source_sha256,
        fiscal_year,
        department_name,
        -- Versions stored before kinds, scopes and templates were recorded are department
        -- budgets in Beijing's layout: the only documents read then.
        coalesce(document_kind, 'budget') as document_kind,
        coalesce(scope, 'department') as scope,
        case
            when coalesce(document_kind, 'budget') = 'budget'
                then coalesce(template, 'beijing')
        end as template,
        amount_units,
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
