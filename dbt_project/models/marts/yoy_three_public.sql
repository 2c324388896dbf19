-- Year over year of 三公经费, per department, one row per figure of 预算09表.

with compared as (
    {{ year_over_year(ref('int_three_public_spending'), "('three_public', 'item', null)") }}
),

names as (
    select * from (
        values
        ('total', '“三公”经费合计'),
        ('outbound_travel', '因公出国（境）费用'),
        ('reception', '公务接待费'),
        ('vehicles_total', '公务用车购置及运行维护费'),
        ('vehicle_purchase', '公务用车购置费'),
        ('vehicle_operation', '公务用车运行维护费')
    ) as name_list (item, item_name)
)

select
    compared.fiscal_year,
    compared.department_key as department_name,
    compared.code as item,
    names.item_name,
    compared.amount,
    compared.prior_fiscal_year,
    compared.prior_amount,
    compared.change,
    compared.change_pct,
    compared.status
from compared
left join names on names.item = compared.code
