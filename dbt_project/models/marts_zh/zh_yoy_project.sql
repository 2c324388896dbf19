{{ config(alias='项目同比') }}

select
    fiscal_year as 年度,
    department_name as 部门,
    project_code as 项目编码,
    project_name as 项目名称,
    amount as "金额（万元）",
    prior_fiscal_year as 上年度,
    prior_amount as "上年金额（万元）",
    change as "增减额（万元）",
    change_pct as "增减率（%）",
    {{ status_zh('status') }} as 状态,
    indicators as 绩效指标数,
    targets_changed as 目标值变化数
from {{ mart('yoy_project') }}
