{{ config(alias='经济分类同比') }}

select
    fiscal_year as 年度,
    department_name as 部门,
    {{ econ_kind_zh('econ_kind') }} as 分类,
    {{ level_zh('level') }} as 级次,
    econ_code as 科目编码,
    econ_name as 科目名称,
    amount as "金额（万元）",
    prior_fiscal_year as 上年度,
    prior_amount as "上年金额（万元）",
    change as "增减额（万元）",
    change_pct as "增减率（%）",
    {{ status_zh('status') }} as 状态,
    remapped_from as 调整自
from {{ mart('yoy_economic') }}
