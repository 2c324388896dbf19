-- 支出功能分类 codes at every level the documents use: category (类, 3 digits), subcategory
-- (款, 5) and item (项, 7). A code's name is the one printed in the latest year that prints
-- it; levels the documents never print take their name from the reference seeds.

with documents as (
    select document_id, fiscal_year from {{ ref('int_department_budgets') }}
),

used as (
    select document_id, function_code as code from {{ ref('stg_expenditure') }}
    union all
    select document_id, function_code from {{ ref('stg_general_budget_expenditure') }}
    union all
    select document_id, function_code from {{ ref('stg_fund_expenditure') }}
),

printed_names as (
    select document_id, function_code as code, function_name as name
    from {{ ref('stg_expenditure') }}
    union all
    select document_id, function_code, function_name
    from {{ ref('stg_general_budget_expenditure') }}
    union all
    select document_id, function_code, function_name from {{ ref('stg_fund_expenditure') }}
    union all
    -- Parent rows printed above their items (Shanghai's 类 and 款).
    select document_id, code, name from {{ ref('stg_printed_codes') }}
    where classification = 'function'
    union all
    -- 收支总表 prints category names; the parser placed them by name.
    select document_id, function_category_code, label from {{ ref('stg_budget_summary') }}
    where side = 'expenditure' and line_type = 'item' and function_category_code is not null
),

levels as (
    select * from (values ('category', 3), ('subcategory', 5), ('item', 7))
        as level_list (level, digits)
),

codes as (
    select
        left(used.code, levels.digits) as function_code,
        levels.level,
        min(documents.fiscal_year) as first_year,
        max(documents.fiscal_year) as last_year,
        string_agg(
            distinct documents.fiscal_year::varchar, ','
            order by documents.fiscal_year::varchar
        ) as years
    from used
    inner join documents on documents.document_id = used.document_id
    inner join levels on length(used.code) >= levels.digits
    group by all
),

names as (
    select * from {{ name_by_latest_year('printed_names', 'code') }}
),

reference as (
    select code, name from {{ ref('ref_function_categories') }}
    union all
    select code, name from {{ ref('ref_function_subcategories') }}
),

final as (
    select
        codes.function_code,
        codes.level,
        coalesce(names.name, reference.name) as name,
        case
            when names.name is not null then 'document'
            when reference.name is not null then 'reference'
            else 'unknown'
        end as name_source,
        names.name_year,
        names.other_names,
        case codes.level
            when 'item' then left(codes.function_code, 5)
            when 'subcategory' then left(codes.function_code, 3)
        end as parent_code,
        left(codes.function_code, 3) as category_code,
        codes.first_year,
        codes.last_year,
        codes.years
    from codes
    left join names on names.code = codes.function_code
    left join reference on reference.code = codes.function_code
)

select * from final
