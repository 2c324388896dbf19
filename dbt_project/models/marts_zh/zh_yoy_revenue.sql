{{ config(alias='收入同比') }}

select
    fiscal_year as 年度,
    department_name as 部门,
    {{ fund_group_zh('fund_group') }} as 收入类别,
    revenue_name as 收入来源,
    part_of_name as 所属来源,
    amount as "金额（万元）",
    prior_fiscal_year as 上年度,
    prior_amount as "上年金额（万元）",
    change as "增减额（万元）",
    change_pct as "增减率（%）",
    {{ status_zh('status') }} as 状态
from {{ mart('yoy_revenue') }}
