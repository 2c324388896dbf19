{#- The words the documents print for the marts' English codes, for the marts_zh views (one
    place for every label; docs/architecture.md, "Chinese labels"). -#}

{% macro status_zh(column) -%}
    case {{ column }}
        when 'new' then '新增'
        when 'continuing' then '延续'
        when 'discontinued' then '取消'
        when 'remapped' then '调整'
    end
{%- endmacro %}

{% macro level_zh(column) -%}
    case {{ column }}
        when 'category' then '类'
        when 'subcategory' then '款'
        when 'item' then '项'
    end
{%- endmacro %}

{% macro fund_scope_zh(column) -%}
    case {{ column }}
        when 'all_funds' then '全部资金（支出总表）'
        when 'general_public_budget' then '一般公共预算'
    end
{%- endmacro %}

{% macro econ_kind_zh(column) -%}
    case {{ column }}
        when 'government' then '政府预算支出经济分类'
        when 'department' then '部门预算支出经济分类'
    end
{%- endmacro %}

{% macro fund_group_zh(column) -%}
    case {{ column }}
        when 'current_year' then '本年收入'
        when 'carryover' then '上年结转'
        when 'total' then '合计'
    end
{%- endmacro %}

{% macro document_status_zh(column) -%}
    case {{ column }}
        when 'published' then '已发布'
        when 'rejected' then '未通过检查'
        when 'companion' then '说明文件（无表格）'
    end
{%- endmacro %}

{#- A mart referenced without its database, so the view's SQL holds in the published file too
    (publishing copies views by their SQL into a file of another name). -#}
{% macro mart(name) -%}
    {{ ref(name).include(database=False) }}
{%- endmacro %}
