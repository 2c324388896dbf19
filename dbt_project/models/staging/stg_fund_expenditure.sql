with source as (
    select * from {{ source('accepted', 'fund_expenditure') }}
),

renamed as (
    select
        document_id,
        table_no,
        case table_no
            when '07' then 'government_fund'
            when '08' then 'state_capital_operation'
        end as fund_scope,
        function_code,
        function_name,
        total,
        basic,
        project,
        source_line,
        source_page
    from source
)

select * from renamed
