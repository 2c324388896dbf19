with source as (
    select * from {{ source('accepted', 'final_revenue') }}
),

renamed as (
    select
        document_id,
        function_code,
        function_name,
        line_type,
        total,
        fiscal_appropriation,
        superior_subsidy,
        institution_business,
        business_operation,
        subordinate_remittance,
        other,
        source_line,
        source_page
    from source
)

select * from renamed
