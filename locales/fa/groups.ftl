## گروه‌ها: خانوارها و شرکت‌ها (بخش `groups:` در club.yaml، رویدادهای پیوستن و ترک، حساب مشترک)

club-group-kind-twice = نوع گروه `{ $id }` دو بار تعریف شده است (یا شناسه ندارد)
club-group-no-roles = نوع گروه `{ $kind }` هیچ نقشی ندارد
club-group-role-twice = نقش `{ $role }` در نوع گروه `{ $kind }` دو بار تعریف شده است (یا شناسه ندارد)
club-group-limit = سقف ماهانهٔ نقش `{ $role }` در نوع گروه `{ $kind }` باید بیشتر از ۰ و حداکثر ۱۰ به توان ۱۸ باشد، و فقط برای نقشی با `spend: true`
club-group-limit-help = مثلاً `spend: true` و `monthly_limit: 2000`
club-group-share-missing = نوع گروه `{ $kind }` امتیاز اعضا را تقسیم می‌کند اما `group_share` ندارد
club-group-share-bad = `{ $share }` سهم معتبری برای نوع گروه `{ $kind }` نیست
club-group-share-help = سهم حساب مشترک را به درصد، بیشتر از ۰ و کمتر از ۱۰۰ بنویسید، مثلاً `group_share: 70%`
club-group-share-unused = نوع گروه `{ $kind }` مقدار `group_share` دارد اما امتیاز را تقسیم نمی‌کند (`earn: split`)
rows-club-has-no-groups = باشگاه `{ $club }` گروهی ندارد (`groups:` در club.yaml)
rows-group-missing = رویداد `{ $kind }` به ستون `group` با نام گروه نیاز دارد
rows-group-is-member = `{ $group }` خود عضو است، نه یک گروه
rows-group-kind-unknown = نوع گروه `{ $kind }` وجود ندارد؛ انواع باشگاه: { $kinds }
rows-group-kind-needed = نوع گروه را در ستون `kind` بگویید: { $kinds }
rows-group-role-unknown = `{ $role }` نقشی از نوع گروه `{ $kind }` نیست؛ یکی از این‌ها را به کار ببرید: { $roles }
rows-group-already = `{ $member }` هم‌اکنون در `{ $group }`، گروهی از نوع `{ $kind }`، است: اول از آن خارج شود
rows-group-not-in = `{ $member }` عضو گروه `{ $group }` نیست
refuse-pool-not-member = `{ $member }` عضو گروه `{ $group }` نیست، پس نمی‌تواند امتیاز آن را خرج کند
refuse-pool-role = `{ $member }` در `{ $group }` نقش { $role } دارد، نقشی که نمی‌تواند امتیاز گروه را خرج کند
refuse-pool-limit = `{ $member }` ({ $role }) ماهانه { $limit } { $points } از گروه می‌تواند خرج کند: این ماه { $spent } خرج شده و { $cost } دیگر از سقف بیشتر است
