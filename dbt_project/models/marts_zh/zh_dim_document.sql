{{ config(alias='部门预算文档') }}

select
    fiscal_year as 年度,
    department_name as 部门,
    document_id as 文件,
    {{ document_status_zh('status') }} as 状态,
    amount_unit as 金额单位,
    tables_found as 表,
    failed_checks as 未通过检查数,
    rejection_reasons as 未通过原因
from {{ mart('dim_document') }}
