{{ config(alias='三公经费同比') }}

select
    fiscal_year as 年度,
    department_name as 部门,
    item_name as 项目,
    amount as "金额（万元）",
    prior_fiscal_year as 上年度,
    prior_amount as "上年金额（万元）",
    change as "增减额（万元）",
    change_pct as "增减率（%）",
    {{ status_zh('status') }} as 状态
from {{ mart('yoy_three_public') }}
