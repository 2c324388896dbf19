-- Revenue per department and year from 02 收入总表, by fund group and source.

with years as (
    select document_id, fiscal_year, department_key from {{ ref('int_department_years') }}
),

revenue as (
    select document_id, fund_group, revenue_source, amount
    from {{ ref('int_revenue_lines') }}
    where table_no = '02'
)

select
    years.department_key,
    years.fiscal_year,
    revenue.fund_group as scope,
    'revenue' as classification,
    revenue.revenue_source as code,
    sum(coalesce(revenue.amount, 0)) as amount
from revenue
inner join years on years.document_id = revenue.document_id
group by all
