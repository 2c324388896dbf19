-- 05 一般公共预算支出表 prints one row per function code per subordinate unit; summed per
-- code it is the department's general public budget spending by function.

with lines as (
    select * from {{ ref('stg_general_budget_expenditure') }}
),

by_function as (
    select
        document_id,
        function_code,
        min(function_name) as function_name,
        sum(coalesce(total, 0)) as total,
        sum(coalesce(basic, 0)) as basic,
        sum(coalesce(personnel, 0)) as personnel,
        sum(coalesce(public_use, 0)) as public_use,
        sum(coalesce(project, 0)) as project,
        sum(coalesce(project_excl_capital, 0)) as project_excl_capital,
        count(*) as unit_rows,
        min(source_line) as first_source_line,
        -- lines run in page order, so the first line's page is the first page
        min(source_page) as first_source_page
    from lines
    group by document_id, function_code
)

select * from by_function
