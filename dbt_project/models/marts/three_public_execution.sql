-- 三公经费, budget and actual: the 预算数 and 决算数 the 决算 prints side by side, and the figure
-- the budget document of the same department and year published (where both are published).

with keys as (
    select * from {{ ref('int_department_keys') }}
),

final_documents as (
    select
        documents.document_id,
        documents.fiscal_year,
        coalesce(keys.department_key, documents.department_name) as department_key
    from {{ ref('int_final_accounts') }} as documents
    left join keys on keys.department_name = documents.department_name
),

budget_documents as (
    select document_id, fiscal_year, department_key from {{ ref('int_department_years') }}
),

budget_figures as (
    unpivot (
        select
            document_id, total, outbound_travel, reception, vehicles_total,
            vehicle_purchase, vehicle_operation
        from {{ ref('stg_three_public') }}
    )
    on total, outbound_travel, reception, vehicles_total, vehicle_purchase, vehicle_operation
    into name item value amount
),

item_names as (
    select * from (
        values
        ('total', '合计', 1),
        ('outbound_travel', '因公出国（境）费', 2),
        ('vehicles_total', '公务用车购置及运行维护费', 3),
        ('vehicle_purchase', '公务用车购置费', 4),
        ('vehicle_operation', '公务用车运行维护费', 5),
        ('reception', '公务接待费', 6)
    ) as names (item, item_name, item_order)
),

final as (
    select
        final_documents.fiscal_year,
        final_documents.department_key as department_name,
        figures.item,
        item_names.item_name,
        item_names.item_order,
        coalesce(figures.approved, 0) as approved,
        coalesce(figures.executed, 0) as executed,
        case
            when budget_documents.document_id is not null
                then coalesce(budget_figures.amount, 0)
        end as budget_document_amount,
        figures.document_id as final_document_id,
        budget_documents.document_id as budget_document_id,
        figures.source_line,
        figures.source_page
    from {{ ref('stg_final_three_public') }} as figures
    inner join final_documents on final_documents.document_id = figures.document_id
    inner join item_names on item_names.item = figures.item
    left join budget_documents
        on
            budget_documents.department_key = final_documents.department_key
            and budget_documents.fiscal_year = final_documents.fiscal_year
    left join budget_figures
        on
            budget_figures.document_id = budget_documents.document_id
            and budget_figures.item = figures.item
)

select
    fiscal_year,
    department_name,
    item,
    item_name,
    item_order,
    approved,
    executed,
    executed - approved as difference,
    {{ percent_change('executed', 'approved') }} as execution_rate,
    budget_document_amount,
    final_document_id,
    budget_document_id,
    source_line,
    source_page
from final
