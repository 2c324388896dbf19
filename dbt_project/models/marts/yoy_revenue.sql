-- Year over year of revenue (02 收入总表), per department, by fund group and source.

with compared as (
    {{ year_over_year(ref('int_revenue_by_source'), "('revenue', 'item', null)") }}
),

names as (
    select revenue_source, min(revenue_name) as revenue_name
    from {{ ref('int_revenue_lines') }}
    where table_no = '02'
    group by revenue_source
)

select
    compared.fiscal_year,
    compared.department_key as department_name,
    compared.scope as fund_group,
    compared.code as revenue_source,
    names.revenue_name,
    compared.amount,
    compared.prior_fiscal_year,
    compared.prior_amount,
    compared.change,
    compared.change_pct,
    compared.status
from compared
left join names on names.revenue_source = compared.code
