with documents as (
    select document_id, fiscal_year, department_name from {{ ref('int_department_budgets') }}
),

three_public as (
    select * from {{ ref('stg_three_public') }}
),

-- Jiangsu prints 机关运行经费 as a table of its own (17), not beside 三公: its 合计.
agency_operation as (
    select document_id, amount
    from {{ ref('stg_table_totals') }}
    where table_no = '17' and column_key = 'amount'
),

final as (
    select
        documents.fiscal_year,
        documents.department_name,
        three_public.document_id,
        three_public.total,
        three_public.outbound_travel,
        three_public.reception,
        three_public.vehicles_total,
        three_public.vehicle_purchase,
        three_public.vehicle_operation,
        coalesce(three_public.agency_operation, agency_operation.amount) as agency_operation,
        three_public.meetings,
        three_public.training,
        three_public.grand_total,
        three_public.source_line,
        three_public.source_page
    from three_public
    inner join documents on three_public.document_id = documents.document_id
    left join agency_operation on three_public.document_id = agency_operation.document_id
)

select * from final
