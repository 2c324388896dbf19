with source as (
    select * from {{ source('accepted', 'general_budget_expenditure') }}
),

renamed as (
    select
        document_id,
        function_code,
        function_name,
        total,
        basic,
        personnel,
        public_use,
        project,
        project_excl_capital,
        source_line,
        source_page
    from source
)

select * from renamed
