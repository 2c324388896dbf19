with source as (
    select * from {{ source('accepted', 'budget_summary') }}
),

renamed as (
    select
        document_id,
        table_no,
        side,
        line_type,
        ordinal,
        label,
        revenue_source,
        function_code as function_category_code,
        amount,
        source_line,
        source_page
    from source
)

select * from renamed
