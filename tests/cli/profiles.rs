//! Import profiles: a POS or CRM export imported as it is, its columns, dates, calendar and
//! amount unit mapped by `import.profiles` in club.yaml; wrong headers reported once.

use harness::Test;

use crate::cli::harness;

/// The shop club with a profile for a POS export in Toman with day-first dates, and a
/// rule that shows what the profile did: points only for `pos` purchases, a 1,000-point
/// penalty if the dropped `Cashier` column reached the event, and a bonus on 15 January.
fn pos_shop() -> Test {
    Test::new()
        .file(
            "policies/shop/club.yaml",
            "\
id: shop
name: Corner Shop
currency: IRR
timezone: Asia/Tehran
rules:
  - id: base
    function: base_points
    description: 1 point per 1,000
import:
  profiles:
    pos:
      columns:
        Receipt No: id
        Customer: member
        Date: date
        Total (Toman): amount
        Cashier: ignore
      date_format: \"%d/%m/%Y %H:%M\"
      amount_unit: 10
      constants: {channel: pos}
    shamsi:
      columns: {Factor: id, Moshtari: member, Tarikh: date, Mablagh: amount}
      date_format: \"%Y/%m/%d\"
      calendar: jalali
",
        )
        .file(
            "policies/shop/earn.rhai",
            "\
fn base_points(event, member) {
    let points = if event.channel == \"pos\" { event.amount / 1000 } else { 0 };
    if \"cashier\" in event.attributes { points -= 1000; }
    if event.date == \"2025-01-15\" { points += 100; }
    points
}
",
        )
}

#[test]
fn a_pos_export_is_imported_as_it_is_through_its_profile() {
    pos_shop()
        .file(
            "export.csv",
            "\
Receipt No,Customer,Date,Total (Toman),Cashier
R1,M1,15/01/2025 10:30,1500,Sara
R2,M1,16/01/2025 09:00,250.5,Ali
R3,M2,31/02/2025 09:00,100,Ali
R4,M2,16/01/2025 25:00,100,Ali
",
        )
        .args(["import", "shop", "export.csv", "--profile", "pos"])
        .stderr(
            "\
rejected: export.csv:4: column `date`: `31/02/2025 09:00`: 2025-02-31 is not a date
rejected: export.csv:5: column `date`: `16/01/2025 25:00` is not a date in the profile's format `%d/%m/%Y %H:%M`: input is out of range
",
        )
        // R1: 15,000 IRR → 15 points, +100 for 15 January; R2: 2,505 IRR → 2 points.
        .stdout("export.csv: 2 accepted, 0 duplicate, 0 conflicting, 2 rejected; 117 points awarded\n")
        .status(1)
        .run();
}

#[test]
fn a_profile_reads_dates_in_another_calendar() {
    pos_shop()
        .file(
            "shamsi.csv",
            "Factor,Moshtari,Tarikh,Mablagh,Channel\nF1,M1,1403/10/26,5000,pos\nF2,M1,۱۴۰۳/۱۰/۲۷,5000,pos\n",
        )
        .args(["import", "shop", "shamsi.csv", "--profile", "shamsi"])
        // 1403-10-26 is 2025-01-15 (+100); 1403-10-27 is 2025-01-16.
        .stdout("shamsi.csv: 2 accepted, 0 duplicate, 0 conflicting, 0 rejected; 110 points awarded\n")
        .run();
}

#[test]
fn a_missing_column_is_reported_once_at_the_header_with_what_to_map() {
    pos_shop()
        .file(
            "export.csv",
            "Receipt No,Customer,Date,Total,Cashier\nR1,M1,15/01/2025 10:30,1500,Sara\nR2,M1,15/01/2025 10:30,1500,Sara\n",
        )
        .args(["import", "shop", "export.csv", "--profile", "pos"])
        .stderr(
            "\
error: export.csv:1: the header has no `amount` column; required columns are `id`, `member`, `date`, `amount`
  = help: the profile reads `amount` from `total (toman)`, which the file does not have
",
        )
        .status(2)
        .run();
    pos_shop()
        .file("export.csv", "id,member,date,Amount (Toman)\nR1,M1,2025-01-15,1500\n")
        .args(["import", "shop", "export.csv"])
        .stderr(
            "\
error: export.csv:1: the header has no `amount` column; required columns are `id`, `member`, `date`, `amount`
  = help: is `Amount (Toman)` the `amount` column? rename it in the file, or map it with an import profile (`import.profiles` in club.yaml, `--profile NAME`)
",
        )
        .status(2)
        .run();
}

#[test]
fn an_unknown_profile_is_refused_with_the_nearest_name() {
    pos_shop()
        .file("export.csv", "id,member,date,amount\n")
        .args(["import", "shop", "export.csv", "--profile", "poss"])
        .stderr("error: club `shop` has no import profile `poss`\n  = help: did you mean `pos`?\n")
        .status(2)
        .run();
}

#[test]
fn check_refuses_profiles_that_cannot_work() {
    Test::new()
        .file(
            "policies/shop/club.yaml",
            "\
id: shop
name: Corner Shop
currency: IRR
rules:
  - id: base
    function: base_points
import:
  profiles:
    pos:
      columns: {Total: ammount, Sum: amount, Net: amount}
      date_format: \"%d/%m\"
      amount_unit: 0
",
        )
        .file(
            "policies/shop/earn.rhai",
            "fn base_points(event, member) { 0 }\n",
        )
        .args(["check"])
        .stderr(
            "\
error: both `Net` and `Sum` are mapped to `amount`
  --> policies/shop/club.yaml:10:38
   |
10 |       columns: {Total: ammount, Sum: amount, Net: amount}
   |                                      ^^^^^^
   = help: a column can come from one column of the file only

error: `ammount` is not one of bashgah's columns
  --> policies/shop/club.yaml:10:24
   |
10 |       columns: {Total: ammount, Sum: amount, Net: amount}
   |                        ^^^^^^^
   = help: did you mean `amount`? (any other name becomes an attribute scripts read)

error: `%d/%m` does not name a whole date: it needs the year (%Y), month (%m) and day (%d)
  --> policies/shop/club.yaml:11:20
   |
11 |       date_format: \"%d/%m\"
   |                    ^^^^^
   = help: strftime fields: %Y year, %m month, %d day, %H hour, %M minute, %S second, %z offset

error: `amount_unit` must be above 0, not 0
  --> policies/shop/club.yaml:12:20
   |
12 |       amount_unit: 0
   |                    ^
   = help: 10 reads a file in Toman into a Rial club

",
        )
        .stdout("FAILED  shop (4 errors)\n1 club checked, 1 failed\n")
        .status(1)
        .run();
}
