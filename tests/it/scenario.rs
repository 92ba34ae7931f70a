use carenet::scenario::load::*;
#[test]
fn show() {
    let cases = [
        "[loneliness]\nrise_weekyl = 0.1\n",
        "extends = \"builtin:wutong\"\n[simulation]\nweeks = \"ten\"\nreps = 1.5\n[healt]\nx=1\n",
        "[health]\nmortality_slope = -0.1\nmortality_at_60 = nan\n[population]\nage_mix = [0.5, 0.3, 0.3]\nstate_mix_60_69 = [1.0, 0.0]\n",
        "[[street]]\nname = \"a\"\n[[street.community]]\nname = \"x\"\ntype = \"vilage\"\nelders = -5\n[[street.community]]\nname = \"y\"\ntype = \"village\"\nelders = 0\nfoo = 1\n[[street.community]]\nname = \"z\"\n",
        "a = 1\nb = [1,\nc = \"x\n",
        "[simulation]\nseed = 99999999999999999999999999999999999999999\nweeks = 18446744073709551615\n",
        "extends = \"nope.toml\"\n",
        "extends = 5\n",
        "extends = \"builtin:foo\"\n",
        "",
        "name = \"../etc\"\n[metrics]\nsummary_window = 1000\n[simulation]\nstart=1979-05-27T07:32:00Z\n",
        "[community_types.village]\nawareness = 0.9\n",
        "street = []\n",
        "[[street]]\ncommunity = []\n",
        "simulation = 5\n",
    ];
    for c in cases {
        println!("---- {c:?}");
        match load_str(c, "t.toml", None) {
            Ok(l) => println!("OK {:?}", l.scenario.community_types.village.income_mix),
            Err(e) => println!("{e}"),
        }
    }
    println!("{}", template());
}
