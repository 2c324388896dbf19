with source as (
    select * from {{ source('accepted', 'performance_overview') }}
),

renamed as (
    select
        document_id,
        total_expenditure,
        fiscal_total,
        fiscal_basic,
        fiscal_project,
        other_total,
        other_basic,
        other_project,
        overall_goal,
        source_line,
        source_page
    from source
)

select * from renamed
