/** @odoo-module **/
/*
 * Steps the Atlas Invoicing tours share: open the app, open a menu item, read the status bar.
 */
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/** Open Atlas Invoicing from the home menu and wait until it is open. */
export function openApp() {
    return [
        ...stepUtils.goToAppSteps("atlas_invoicing.menu_atlas_root", "Open Atlas Invoicing"),
        {
            content: "The Atlas Invoicing app is open",
            trigger: '.o_main_navbar .o_menu_brand:contains("Atlas Invoicing")',
        },
    ];
}

/** Open a menu item of the top bar (section, then item) and wait for its breadcrumb. */
export function openMenu(sectionXmlid, itemXmlid, breadcrumb) {
    return [
        {
            content: `Open the menu ${sectionXmlid}`,
            trigger: `.o_main_navbar button[data-menu-xmlid="${sectionXmlid}"]`,
            run: "click",
        },
        {
            content: `Open ${itemXmlid}`,
            trigger: `.dropdown-item[data-menu-xmlid="${itemXmlid}"]`,
            run: "click",
        },
        {
            content: `Wait for the ${breadcrumb} list`,
            trigger: `.o_breadcrumb .active:contains("${breadcrumb}")`,
        },
    ];
}

/** The form's status bar shows this status as the current one. */
export function statusIs(value, label) {
    return {
        content: `The status bar shows "${label}" as the current status`,
        trigger: `.o_form_view .o_statusbar_status button.o_arrow_button_current[data-value="${value}"]:contains("${label}")`,
    };
}
