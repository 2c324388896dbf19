-- Year over year of revenue (02 收入总表), per department, by fund group and source.

with compared as (
    {{ year_over_year(ref('int_revenue_by_source'), "('revenue', 'item', null)") }}
),

names as (
    select revenue_source, min(revenue_name) as revenue_name
    from {{ ref('int_revenue_lines') }}
    where table_no = '02'
    group by revenue_source
),

-- Jiangsu prints some sources as parts of a group (事业收入 under 其他资金): the same in every
-- year of a department's template.
parts as (
    select
        years.department_key,
        lines.fund_group,
        lines.revenue_source,
        min(lines.part_of) as part_of
    from {{ ref('int_revenue_lines') }} as lines
    inner join {{ ref('int_department_years') }} as years
        on lines.document_id = years.document_id
    where lines.table_no = '02' and lines.part_of is not null
    group by all
)

select
    compared.fiscal_year,
    compared.department_key as department_name,
    compared.scope as fund_group,
    compared.code as revenue_source,
    parts.part_of,
    part_names.revenue_name as part_of_name,
    names.revenue_name,
    compared.amount,
    compared.prior_fiscal_year,
    compared.prior_amount,
    compared.change,
    compared.change_pct,
    compared.status
from compared
left join names on compared.code = names.revenue_source
left join parts
    on
        compared.department_key = parts.department_key
        and compared.scope = parts.fund_group
        and compared.code = parts.revenue_source
left join names as part_names on parts.part_of = part_names.revenue_source
