-- Was the money spent? The budget as published (approved) beside the final accounts (决算,
-- executed) of the same department and year, by function code at category, subcategory and
-- item level, in two fund scopes: all_funds (预算 03 支出总表 / 决算 支出决算表) and
-- general_public_budget (预算 05 / 决算 一般公共预算财政拨款支出决算表).
--
-- The approved side is the budget's items summed up the classification (as yoy_function
-- does); the executed side is what the 决算 prints at each level (its own 类 and 款 rows, which
-- it rounds on their own).

with levels as (
    select * from (values ('category', 3), ('subcategory', 5), ('item', 7))
        as level_list (level, digits)
),

keys as (
    select * from {{ ref('int_department_keys') }}
),

budget_documents as (
    select document_id, fiscal_year, department_key from {{ ref('int_department_years') }}
),

final_documents as (
    select
        documents.document_id,
        documents.fiscal_year,
        coalesce(keys.department_key, documents.department_name) as department_key
    from {{ ref('int_final_accounts') }} as documents
    left join keys on keys.department_name = documents.department_name
),

approved as (
    select
        spending.department_key,
        spending.fiscal_year,
        spending.scope as fund_scope,
        levels.level,
        left(spending.code, levels.digits) as function_code,
        sum(spending.amount) as approved
    from {{ ref('int_function_spending') }} as spending
    inner join levels on length(spending.code) >= levels.digits
    group by all
),

final_rows as (
    select
        document_id, 'all_funds' as fund_scope, function_code, function_name, total,
        source_line, source_page
    from {{ ref('stg_final_expenditure') }}
    where line_type = 'item'
    union all
    select
        document_id, 'general_public_budget', function_code, function_name, total,
        source_line, source_page
    from {{ ref('stg_final_general_budget_expenditure') }}
    where line_type = 'item'
),

executed as (
    select
        final_documents.department_key,
        final_documents.fiscal_year,
        final_rows.fund_scope,
        levels.level,
        final_rows.function_code,
        any_value(final_rows.function_name) as printed_name,
        sum(coalesce(final_rows.total, 0)) as executed,
        min(final_rows.source_line) as final_source_line,
        min(final_rows.source_page) as final_source_page
    from final_rows
    inner join final_documents on final_documents.document_id = final_rows.document_id
    inner join levels on length(final_rows.function_code) = levels.digits
    group by all
),

compared as (
    select
        coalesce(approved.department_key, executed.department_key) as department_key,
        coalesce(approved.fiscal_year, executed.fiscal_year) as fiscal_year,
        coalesce(approved.fund_scope, executed.fund_scope) as fund_scope,
        coalesce(approved.level, executed.level) as level,
        coalesce(approved.function_code, executed.function_code) as function_code,
        executed.printed_name,
        approved.approved,
        executed.executed,
        executed.final_source_line,
        executed.final_source_page
    from approved
    full outer join executed
        on
            executed.department_key = approved.department_key
            and executed.fiscal_year = approved.fiscal_year
            and executed.fund_scope = approved.fund_scope
            and executed.function_code = approved.function_code
),

with_documents as (
    select
        compared.*,
        budget_documents.document_id as budget_document_id,
        final_documents.document_id as final_document_id
    from compared
    left join budget_documents
        on
            budget_documents.department_key = compared.department_key
            and budget_documents.fiscal_year = compared.fiscal_year
    left join final_documents
        on
            final_documents.department_key = compared.department_key
            and final_documents.fiscal_year = compared.fiscal_year
),

final as (
    select
        with_documents.fiscal_year,
        with_documents.department_key as department_name,
        with_documents.fund_scope,
        with_documents.level,
        with_documents.function_code,
        coalesce(functions.name, with_documents.printed_name) as function_name,
        -- A side whose document is published but prints no such line is 0; a side without a
        -- published document is NULL.
        case
            when with_documents.approved is not null then with_documents.approved
            when with_documents.budget_document_id is not null then 0::decimal(18, 6)
        end as approved,
        case
            when with_documents.executed is not null then with_documents.executed
            when with_documents.final_document_id is not null then 0::decimal(18, 6)
        end as executed,
        case
            when with_documents.approved is not null and with_documents.executed is not null
                then 'executed'
            when with_documents.executed is null and with_documents.final_document_id is null
                then 'not_yet_accounted'
            when with_documents.executed is null then 'not_spent'
            when with_documents.budget_document_id is null then 'no_budget_document'
            else 'no_budget_line'
        end as status,
        with_documents.budget_document_id,
        with_documents.final_document_id,
        with_documents.final_source_line,
        with_documents.final_source_page
    from with_documents
    left join {{ ref('dim_function') }} as functions
        on functions.function_code = with_documents.function_code
)

select
    fiscal_year,
    department_name,
    fund_scope,
    level,
    function_code,
    function_name,
    approved,
    executed,
    executed - approved as difference,
    {{ percent_change('executed', 'approved') }} as execution_rate,
    status,
    budget_document_id,
    final_document_id,
    final_source_line,
    final_source_page
from final
