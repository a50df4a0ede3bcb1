//! `nim::prime` (the nimprime side of mkdsklsnode's preprocess) against
//! nimsim hosts and real temporary directories: the rc.dd_boot rewrite,
//! updatespot's command sequence on a local and a remote nimprime, the
//! shared_root re-sync, the copies to service nodes with the df / chfs
//! check, and dolitesetup from table rows in a SQLite database.

mod nim_prime_support;

use nim_prime_support::*;
use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::PermissionsExt;
use xcat_handlers::nim::model::{Image, Reply, Resources};
use xcat_handlers::nim::prime::{
    self, dd_boot, CopyRequest, ImageJob, LiteOutcome, LiteRequest, Prime, SpotRequest,
};
use xcat_handlers::runner::Target;
use xcat_proto::Response;

/// A boot script with every anchor the rewrite looks for (our own sample).
const RC_DD_BOOT: &str = r#"#!/bin/ksh
# sample network boot script: only the anchor lines matter
case "${PHASE}" in
1)
	# network boot phase 1
	${SHOWLED} 0x600
	;;
2)
	${SHOWLED} 0x620
	# configure paging - local or NFS network
	if [ -n "${NIM_PAGING}" ]
	then
		# Start NFS remote paging
		echo "CuDv:" >> /swapnfs
		echo "name = ${SWAPDEV}" >> /tmp/swapnfs
		odmadd /tmp/swapnfs
		rmdev -l ${BASECUST_REMOVAL} -d
	fi
	# Copy the local_domain file to /etc
	;;
esac
"#;

fn count(text: &str, what: &str) -> usize {
    text.matches(what).count()
}

fn before(text: &str, a: &str, b: &str) -> bool {
    match (text.find(a), text.find(b)) {
        (Some(x), Some(y)) => x < y,
        _ => false,
    }
}

#[test]
fn dd_boot_blocks_once_before_their_anchors() {
    let once = dd_boot::rewrite(RC_DD_BOOT, "mount");
    for marker in [
        "# xCAT basecust support #1",
        "# xCAT basecust support #2",
        "# xCAT support #3",
        "# xCAT support #4",
        "# xCAT basecust removal support #5",
        "Write tmp file to create remote paging device",
        "rm -f /swapnfs",
    ] {
        assert_eq!(count(&once, marker), 1, "{marker}\n{once}");
    }
    assert!(before(&once, "support #1", "# network boot phase 1"));
    assert!(before(&once, "support #2", "# configure paging - local"));
    assert!(before(&once, "support #3", "${SHOWLED} 0x620"));
    assert!(before(
        &once,
        "support #4",
        "# Copy the local_domain file to"
    ));
    assert!(before(&once, "support #5", "# Start NFS remote paging"));
    assert!(before(&once, "remote paging device", "odmadd /swapnfs"));
    assert!(!once.contains("tmp/swapnfs"));
    assert!(once.contains("\t\techo \"CuDv:\" > /swapnfs\n"));
    assert!(!once.contains("echo \"CuDv:\" >> /swapnfs"));
    assert!(before(
        &once,
        "rmdev -l ${BASECUST_REMOVAL} -d",
        "odmdelete -o CuDv -q name=${BASECUST_REMOVAL}"
    ));
    assert!(once.contains("\t\t\tmount ${SLSERV}:${SLDIR} /slmnt\n"));
    // The result is still a valid shell script.
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("rc.dd_boot");
    std::fs::write(&script, &once).unwrap();
    let check = std::process::Command::new("sh")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // Idempotent.
    assert_eq!(dd_boot::rewrite(&once, "mount"), once);
    // NFSv4 mounts.
    let v4 = dd_boot::rewrite(RC_DD_BOOT, "mount -o vers=4");
    assert_eq!(count(&v4, "mount -o vers=4 "), 2, "{v4}");
    assert!(v4.contains("mount -o vers=4 -o rw ${SLSERV}:${SLDIR} /slmnt"));
}

#[test]
fn dd_boot_without_anchors_or_already_updated() {
    let plain = "#!/bin/ksh\necho nothing to see\n";
    assert_eq!(dd_boot::rewrite(plain, "mount"), plain);
    // Stock's own markers are honoured: nothing is added twice.
    let by_stock = RC_DD_BOOT
        .replace("case", "# xCAT basecust support #1\n# xCAT support #3\n# xCAT basecust removal support #5\n# Write tmp file to create remote paging device\n# Remove ODM object definition\ncase")
        .replace("odmadd /tmp/swapnfs", "odmadd /swapnfs")
        .replace(">> /tmp/swapnfs", ">> /swapnfs");
    let out = dd_boot::rewrite(&by_stock, "mount");
    let fixed = by_stock.replace("echo \"CuDv:\" >> /swapnfs", "echo \"CuDv:\" > /swapnfs");
    assert_eq!(out, fixed);
    assert_eq!(dd_boot::rewrite(&fixed, "mount"), fixed);
}

// ---- updatespot ----

const SPOT: &str = "71dskls_spot";

/// SPOT defined on `host` at `install/nim/spot`; that location.
fn define_spot(net: &Net, host: &str) -> String {
    let spots = net.path("install/nim/spot");
    let loc = format!("location={spots}");
    let args = [
        "-o",
        "define",
        "-t",
        "spot",
        "-a",
        "server=master",
        "-a",
        &loc,
        SPOT,
    ];
    net.sim(host, "/usr/sbin/nim", &args);
    spots
}

/// A diskless image whose SPOT, shared_root and paging nimprime (mn) defines,
/// with the SPOT's files on disk; the SPOT location.
fn spot_setup(net: &Net) -> String {
    let spots = define_spot(net, "mn");
    let sr = net.path("install/nim/shared_root/71dskls_sr");
    net.sim(
        "mn",
        "/usr/sbin/nim",
        &[
            "-o",
            "define",
            "-t",
            "shared_root",
            "-a",
            "server=master",
            "-a",
            &format!("location={sr}"),
            "-a",
            &format!("spot={SPOT}"),
            "71dskls_sr",
        ],
    );
    let loc = format!("{spots}/{SPOT}/usr");
    std::fs::create_dir_all(format!("{loc}/lib/boot/network")).unwrap();
    std::fs::write(format!("{loc}/lib/boot/network/rc.dd_boot"), RC_DD_BOOT).unwrap();
    std::fs::create_dir_all(format!("{loc}/lpp/bos/inst_root/etc")).unwrap();
    std::fs::write(
        format!("{loc}/lpp/bos/inst_root/etc/inittab"),
        "init:2:initdefault:\n",
    )
    .unwrap();
    std::fs::create_dir_all(format!("{sr}/etc/.client_data")).unwrap();
    std::fs::write(
        format!("{sr}/etc/.client_data/cn01.info"),
        "export NIM_NAME=cn01\n",
    )
    .unwrap();
    let post = net.path("install/postscripts");
    std::fs::create_dir_all(&post).unwrap();
    std::fs::write(format!("{post}/xcataixpost"), "#!/bin/ksh\n").unwrap();
    std::fs::write(format!("{post}/aixlitesetup"), "#!/bin/ksh\n").unwrap();
    net.clear();
    loc
}

fn image() -> Image {
    let mut attrs = BTreeMap::new();
    for (k, v) in [
        ("nimtype", "diskless"),
        ("spot", SPOT),
        ("shared_root", "71dskls_sr"),
        ("paging", "71dskls_paging"),
    ] {
        attrs.insert(k.to_string(), v.to_string());
    }
    Image {
        name: "71dskls".into(),
        attrs,
    }
}

fn prime_on<'a>(
    net: &'a Net,
    cfg: &'a xcat_handlers::nim::cmd::NimConfig,
    target: Target,
) -> Prime<'a> {
    let name = match &target {
        Target::Local => "mn".to_string(),
        Target::Host(h) => h.clone(),
    };
    let mut p = Prime::new(net, cfg, target, &name);
    p.install_dir = net.path("install");
    p
}

fn update(net: &Net, target: Target, img: &Image, verbose: bool) -> (bool, Out) {
    let env = sqlite();
    let cfg = net.cfg();
    let p = prime_on(net, &cfg, target);
    let mut docs: Vec<Response> = Vec::new();
    let ok = {
        let mut reply = Reply::new(&mut docs, verbose);
        let req = SpotRequest {
            image: img,
            nodes: &[],
            sharedinstall: "no",
            nfsv4: false,
            db: &env.db,
        };
        prime::update_spot(&p, &req, &mut reply).unwrap()
    };
    (ok, output(docs))
}

#[test]
fn update_spot_on_this_host() {
    let net = Net::new(&[]);
    let loc = spot_setup(&net);
    let (ok, out) = update(&net, Target::Local, &image(), false);
    assert!(ok, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    let ir = format!("{loc}/lpp/bos/inst_root");
    assert_eq!(
        net.calls_on(&Target::Local),
        [
            format!("/usr/sbin/lsnim -l {SPOT}"),
            format!("/usr/bin/chgrp system {ir}"),
            format!("/usr/bin/chown root {ir}"),
        ]
    );
    assert_eq!(net.sim_calls("mn"), [format!("0\tlsnim -l {SPOT}")]);
    let odm = format!("{loc}/ODMscript");
    assert_eq!(
        std::fs::read_to_string(&odm).unwrap(),
        "CuAt:\n\tname = sys0\n\tattribute = syscons\n\tvalue = /dev/vty0\n\ttype = R\n\tgeneric =\n\trep = s\n\tnls_index = 0"
    );
    assert_eq!(
        std::fs::metadata(&odm).unwrap().permissions().mode() & 0o777,
        0o444
    );
    let boot = std::fs::read_to_string(format!("{loc}/lib/boot/network/rc.dd_boot")).unwrap();
    assert_eq!(boot, dd_boot::rewrite(RC_DD_BOOT, "mount"));
    let post = format!("{ir}/opt/xcat/xcataixpost");
    assert_eq!(
        std::fs::metadata(&post).unwrap().permissions().mode() & 0o111,
        0o111
    );
    let inittab = format!("{ir}/etc/inittab");
    let want = "init:2:initdefault:\nxcat:2:wait:/opt/xcat/xcataixpost\n";
    assert_eq!(std::fs::read_to_string(&inittab).unwrap(), want);
    // A second run changes nothing.
    let (ok, _) = update(&net, Target::Local, &image(), false);
    assert!(ok);
    assert_eq!(std::fs::read_to_string(&inittab).unwrap(), want);
    let again = std::fs::read_to_string(format!("{loc}/lib/boot/network/rc.dd_boot")).unwrap();
    assert_eq!(again, boot);
}

#[test]
fn update_spot_on_a_remote_nimprime() {
    let net = Net::new(&[]);
    let loc = spot_setup(&net);
    let (ok, out) = update(&net, Target::Host("nimprime".into()), &image(), true);
    assert!(ok, "{}", out.stderr);
    let ir = format!("{loc}/lpp/bos/inst_root");
    let boot = format!("{loc}/lib/boot/network/rc.dd_boot");
    let np = |l: &str| (Target::Host("nimprime".into()), l.to_string());
    let here = |l: &str| (Target::Local, l.to_string());
    assert_eq!(
        net.calls(),
        [
            np(&format!("/usr/sbin/lsnim -l {SPOT}")),
            np(&format!("/usr/bin/test -e {loc}/ODMscript")),
            here(&format!(
                "/usr/bin/rsync -p STAGED nimprime:{loc}/ODMscript"
            )),
            np(&format!("/usr/bin/cat {boot}")),
            here(&format!("/usr/bin/rsync STAGED nimprime:{boot}")),
            np(&format!("/usr/bin/mkdir -m 644 -p {ir}/opt/xcat")),
            np(&format!(
                "/usr/bin/cp -p {}/postscripts/xcataixpost {ir}/opt/xcat/xcataixpost",
                net.path("install")
            )),
            np(&format!("/usr/bin/chmod +x {ir}/opt/xcat/xcataixpost")),
            np(&format!("/usr/bin/cat {ir}/etc/inittab")),
            here(&format!("/usr/bin/rsync STAGED nimprime:{ir}/etc/inittab")),
            np(&format!("/usr/bin/chgrp system {ir}")),
            np(&format!("/usr/bin/chown root {ir}")),
        ]
    );
    assert_eq!(
        out.stdout,
        format!(
            "Adding {loc}/ODMscript to the image.\n\nUpdating the {boot} file.\n\nUpdated {boot}.\n\nAdding xcataixpost script to the image.\n\nRunning: '/usr/bin/chgrp system {ir}; /usr/bin/chown root {ir}'\n\n"
        )
    );
    // The files arrived (through the rsync stand-in).
    assert_eq!(
        std::fs::read_to_string(&boot).unwrap(),
        dd_boot::rewrite(RC_DD_BOOT, "mount")
    );
    assert!(std::fs::read_to_string(format!("{ir}/etc/inittab"))
        .unwrap()
        .ends_with("xcat:2:wait:/opt/xcat/xcataixpost\n"));
}

#[test]
fn update_spot_failures() {
    let net = Net::new(&[]);
    let loc = spot_setup(&net);
    std::fs::remove_file(format!("{loc}/lib/boot/network/rc.dd_boot")).unwrap();
    let (ok, out) = update(&net, Target::Local, &image(), false);
    assert!(!ok);
    assert_eq!(
        out.stderr,
        "Error: Could not update the rc.dd_boot file in the SPOT.\n\n"
    );
    assert_eq!(out.exit, 1);
    // An undefined SPOT: the message names it (stock printed an undefined variable).
    let mut img = image();
    img.attrs.insert("spot".into(), "nospot".into());
    let (ok, out) = update(&net, Target::Local, &img, false);
    assert!(!ok);
    assert_eq!(
        out.stderr,
        "Error: Could not get the location of the SPOT/COSI named nospot.\n\n"
    );
    // A bad name never reaches lsnim.
    net.clear();
    img.attrs.insert("spot".into(), "x;reboot".into());
    let (ok, out) = update(&net, Target::Local, &img, false);
    assert!(!ok);
    assert_eq!(out.stderr, "Error: Invalid value 'x;reboot' of attribute 'spot' for '71dskls': not a valid NIM object name.\n\n");
    assert!(net.calls().is_empty());
}

// ---- item 15: the shared_root re-sync ----

fn prepare(net: &Net, sharedinstall: &str, skip_sync: bool) -> (bool, Out) {
    let env = sqlite();
    let cfg = net.cfg();
    let p = prime_on(net, &cfg, Target::Local);
    let img = image();
    let mut res = Resources::default();
    res.locations.insert(
        "71dskls_sr".into(),
        net.path("install/nim/shared_root/71dskls_sr"),
    );
    let mut docs: Vec<Response> = Vec::new();
    let ok = {
        let mut reply = Reply::new(&mut docs, false);
        let job = ImageJob {
            spot: SpotRequest {
                image: &img,
                nodes: &[],
                sharedinstall,
                nfsv4: false,
                db: &env.db,
            },
            skip_sync,
            resources: &res,
        };
        prime::prepare_diskless_image(&p, &job, &mut reply).unwrap()
    };
    (ok, output(docs))
}

fn nim_calls(net: &Net) -> Vec<String> {
    net.sim_calls("mn")
        .into_iter()
        .filter(|l| !l.contains("lsnim -l"))
        .collect()
}

#[test]
fn sync_roots_unless_allocated_or_skipped() {
    let net = Net::new(&[]);
    spot_setup(&net);
    // A file only in an old backup shows the restore ran (stock's never did).
    let cd = net.path("install/nim/shared_root/71dskls_sr/etc");
    std::fs::create_dir_all(format!("{cd}/.client_data_bkup")).unwrap();
    std::fs::write(format!("{cd}/.client_data_bkup/cn09.info"), "old\n").unwrap();
    let (ok, out) = prepare(&net, "all", false);
    assert!(ok, "{}", out.stderr);
    assert_eq!(out.stdout, "Updating the spot named '71dskls'.\n\n");
    assert_eq!(
        nim_calls(&net),
        [
            "0\tlsnim -a alloc_count -Z 71dskls_sr",
            &format!("0\tnim -Fo sync_roots {SPOT}")
        ]
    );
    // sharedinstall=all: .client_data saved beside and restored.
    assert_eq!(
        std::fs::read_to_string(format!("{cd}/.client_data/cn09.info")).unwrap(),
        "old\n"
    );
    assert_eq!(
        std::fs::read_to_string(format!("{cd}/.client_data_bkup/cn01.info")).unwrap(),
        "export NIM_NAME=cn01\n"
    );
    assert_eq!(
        std::fs::read_to_string(format!("{cd}/.client_data/cn01.info")).unwrap(),
        "export NIM_NAME=cn01\n"
    );

    net.clear();
    net.helper("mn", &["set", "71dskls_sr", "alloc_count", "2"]);
    let (ok, out) = prepare(&net, "sns", false);
    assert!(ok);
    assert_eq!(
        out.stdout,
        "Updating the spot named '71dskls'.\n\nThe resource named '71dskls_sr' is currently allocated. It will not be re-synchronized.\n\n"
    );
    assert_eq!(nim_calls(&net), ["0\tlsnim -a alloc_count -Z 71dskls_sr"]);

    net.clear();
    let (ok, _) = prepare(&net, "all", true);
    assert!(ok);
    assert!(
        nim_calls(&net).is_empty(),
        "-k: no alloc_count, no sync_roots"
    );

    net.clear();
    let (ok, out) = prepare(&net, "no", false);
    assert!(ok);
    assert!(nim_calls(&net).is_empty());
    assert_eq!(out.stderr, "");
}

#[test]
fn sync_roots_failure_and_spot_failure_messages() {
    let net = Net::new(&[]);
    let loc = spot_setup(&net);
    net.helper("mn", &["fault", "nim:sync_roots", "fail"]);
    let (ok, out) = prepare(&net, "all", false);
    assert!(ok, "a failed re-sync is reported, the preprocess goes on");
    assert_eq!(out.stderr, "Error: Could not update 71dskls_sr.\n\n");
    std::fs::remove_file(format!("{loc}/lib/boot/network/rc.dd_boot")).unwrap();
    let (ok, out) = prepare(&net, "all", false);
    assert!(!ok);
    assert_eq!(
        out.stderr,
        format!("Error: Could not update the rc.dd_boot file in the SPOT.\n\nError: Could not update the SPOT resource named '{SPOT}'.\n\nError: Could not initialize the nodes.\n\n")
    );
}

// ---- copies to the service nodes ----

fn img(name: &str, attrs: &[(&str, &str)]) -> Image {
    Image {
        name: name.into(),
        attrs: attrs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

fn images() -> BTreeMap<String, Image> {
    let dskls = img(
        "71dskls",
        &[
            ("nimtype", "diskless"),
            ("spot", SPOT),
            ("shared_root", "71dskls_sr"),
            ("paging", "71dskls_paging"),
            ("lpp_source", "71lpp"),
            ("script", "s1,s2"),
        ],
    );
    let std = img(
        "71std",
        &[
            ("nimtype", "standalone"),
            ("spot", "71std_spot"),
            ("lpp_source", "71lpp"),
            ("bosinst_data", "bid1"),
        ],
    );
    [dskls, std]
        .into_iter()
        .map(|i| (i.name.clone(), i))
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn copy_plan_per_service_node() {
    let imgs = images();
    let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let per_sn: BTreeMap<String, Vec<String>> = [
        ("sn1".to_string(), v(&["cn01", "cn02", "cn03"])),
        ("sn2".to_string(), v(&["cn01", "cn02"])),
    ]
    .into();
    let node_image: BTreeMap<String, String> = [
        ("cn01".to_string(), "71dskls".to_string()),
        ("cn02".to_string(), "71dskls".to_string()),
        ("cn03".to_string(), "71std".to_string()),
    ]
    .into();
    let sns = prime::images_per_service_node(&per_sn, &node_image);
    assert_eq!(sns["sn1"], set(&["71dskls", "71std"]));
    assert_eq!(sns["sn2"], set(&["71dskls"]));
    let mut res = Resources::default();
    for r in [SPOT, "71std_spot", "71lpp", "bid1", "s1", "s2"] {
        res.locations.insert(r.into(), format!("/install/nim/{r}"));
    }
    let req = CopyRequest {
        service_nodes: &sns,
        this_host: &[],
        images: &imgs,
        resources: &res,
    };
    let defined = [
        ("sn1".to_string(), set(&["s2"])),
        ("sn2".to_string(), set(&[SPOT])),
    ]
    .into();
    let summary: Vec<(String, String, Vec<String>)> = prime::copy::plan(&req, &defined)
        .into_iter()
        .map(|c| (c.name, c.restype, c.service_nodes))
        .collect();
    assert_eq!(
        summary,
        [
            (SPOT.to_string(), "spot".to_string(), v(&["sn1"])),
            ("71lpp".into(), "lpp_source".into(), v(&["sn1"])),
            ("71std_spot".into(), "spot".into(), v(&["sn1"])),
            ("bid1".into(), "bosinst_data".into(), v(&["sn1"])),
            ("s1".into(), "script".into(), v(&["sn1", "sn2"])),
            ("s2".into(), "script".into(), v(&["sn2"])),
        ],
        "shared_root / paging never copied; lpp_source only for standalone images"
    );
}

/// `mn` copies `71dskls` (its SPOT and script s1) to sn1 and sn2 (sn2 has
/// the SPOT already); the resources' files on disk.
fn copy_setup(net: &Net) -> (BTreeMap<String, Image>, Resources) {
    let loc = spot_setup(net);
    std::fs::write(format!("{loc}/big"), vec![0u8; 3 << 20]).unwrap();
    let scripts = net.path("install/nim/scripts");
    std::fs::create_dir_all(&scripts).unwrap();
    std::fs::write(format!("{scripts}/s1.sh"), "#!/bin/ksh\n").unwrap();
    define_spot(net, "sn2");
    let imgs: BTreeMap<String, Image> = [(
        "71dskls".to_string(),
        img(
            "71dskls",
            &[
                ("spot", SPOT),
                ("shared_root", "71dskls_sr"),
                ("script", "s1"),
            ],
        ),
    )]
    .into();
    let mut res = Resources::default();
    res.locations.insert(SPOT.into(), loc);
    res.locations
        .insert("s1".into(), format!("{scripts}/s1.sh"));
    net.clear();
    (imgs, res)
}

fn copy(
    net: &Net,
    imgs: &BTreeMap<String, Image>,
    res: &Resources,
    sns: &[&str],
    verbose: bool,
) -> (bool, Out) {
    copy_from(net, Target::Local, imgs, res, sns, verbose)
}

fn copy_from(
    net: &Net,
    nimprime: Target,
    imgs: &BTreeMap<String, Image>,
    res: &Resources,
    sns: &[&str],
    verbose: bool,
) -> (bool, Out) {
    let cfg = net.cfg();
    let p = prime_on(net, &cfg, nimprime);
    let map: BTreeMap<String, BTreeSet<String>> = sns
        .iter()
        .map(|s| (s.to_string(), set(&["71dskls"])))
        .collect();
    let me = ["mn".to_string()];
    let req = CopyRequest {
        service_nodes: &map,
        this_host: &me,
        images: imgs,
        resources: res,
    };
    let mut docs: Vec<Response> = Vec::new();
    let ok = {
        let mut reply = Reply::new(&mut docs, verbose);
        prime::copy_to_service_nodes(&p, &req, &mut reply).unwrap()
    };
    (ok, output(docs))
}

fn du_mb(path: &str) -> u64 {
    let out = std::process::Command::new("du")
        .args(["-sm", path])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn copies_with_space_check_and_chfs() {
    let net = Net::new(&["sn1", "sn2"]);
    let (imgs, res) = copy_setup(&net);
    let tmp = net.dir.path().display().to_string();
    // sn2's file system holding the test directory has 5 MB free.
    net.helper("sn2", &["fs", &tmp, "100", "5", "/dev/lvtest"]);
    let (ok, out) = copy(&net, &imgs, &res, &["mn", "sn1", "sn2"], true);
    assert!(ok, "{}", out.stderr);
    assert_eq!(out.stderr, "");
    let spot_dir = net.path(&format!("install/nim/spot/{SPOT}"));
    let spots = net.path("install/nim/spot");
    let scripts = net.path("install/nim/scripts");
    let post = net.path("install/postscripts");
    let need = du_mb(&scripts) + 10;
    // -V: du, df and chfs as `Running command on <host>: …` (stock's runcmd).
    let ran = |host: &str, c: String| format!("Running command on {host}: {c}\n\n");
    let copying = |res: &str| format!("Copying NIM resource {res} to service nodes.\n\n");
    let want = [
        ran("mn", format!("/usr/bin/du -sm {spot_dir}")),
        ran("sn1", format!("/usr/bin/df -m {spot_dir}")),
        copying(SPOT),
        ran("mn", format!("/usr/bin/du -sm {scripts}")),
        ran("sn1", format!("/usr/bin/df -m {scripts}")),
        ran("sn2", format!("/usr/bin/df -m {scripts}")),
        ran(
            "sn2",
            format!("/usr/sbin/chfs -a size=+{}M {tmp}", need - 5),
        ),
        copying("s1"),
    ];
    assert_eq!(out.stdout, want.concat());
    assert_eq!(
        net.calls_on(&Target::Host("sn1".into())),
        [
            "/usr/sbin/lsnim -c resources".to_string(),
            format!("/usr/bin/mkdir -m 644 -p {spot_dir}"),
            format!("/usr/bin/df -m {spot_dir}"),
            format!("/usr/bin/mkdir -m 644 -p {scripts}"),
            format!("/usr/bin/df -m {scripts}"),
        ]
    );
    assert_eq!(
        net.calls_on(&Target::Host("sn2".into())),
        [
            "/usr/sbin/lsnim -c resources".to_string(),
            format!("/usr/bin/mkdir -m 644 -p {scripts}"),
            format!("/usr/bin/df -m {scripts}"),
            format!("/usr/sbin/chfs -a size=+{}M {tmp}", need - 5),
        ]
    );
    let mut local = net.calls_on(&Target::Local);
    local.sort();
    let mut want = vec![
        "/usr/bin/rsync -pt /etc/hosts sn1:/etc/hosts".to_string(),
        "/usr/bin/rsync -pt /etc/hosts sn2:/etc/hosts".to_string(),
        format!("/usr/bin/rsync -rlpt {post}/ sn1:{post}"),
        format!("/usr/bin/rsync -rlpt {post}/ sn2:{post}"),
        format!("/usr/bin/du -sm {spot_dir}"),
        format!("/usr/bin/du -sm {scripts}"),
        format!("/usr/bin/rsync -rlHpEAogDz {spot_dir} sn1:{spots}"),
        format!("/usr/bin/rsync -rlHpEAogDz {scripts}/s1.sh sn1:{scripts}"),
        format!("/usr/bin/rsync -rlHpEAogDz {scripts}/s1.sh sn2:{scripts}"),
    ];
    want.sort();
    assert_eq!(local, want);
    // Phases in stock's order: hosts and postscripts, the SNs' resource
    // lists, then per resource mkdir, du, df, chfs, copy; the SPOT before s1.
    let all: Vec<String> = net.calls().into_iter().map(|(_, l)| l).collect();
    let at = |needle: &str| {
        all.iter()
            .position(|l| l == needle)
            .unwrap_or_else(|| panic!("{needle} not run"))
    };
    let order = [
        format!("/usr/bin/rsync -rlpt {post}/ sn2:{post}"),
        format!("/usr/bin/mkdir -m 644 -p {spot_dir}"),
        format!("/usr/bin/du -sm {spot_dir}"),
        format!("/usr/bin/df -m {spot_dir}"),
        format!("/usr/bin/rsync -rlHpEAogDz {spot_dir} sn1:{spots}"),
        format!("/usr/bin/du -sm {scripts}"),
        format!("/usr/sbin/chfs -a size=+{}M {tmp}", need - 5),
        format!("/usr/bin/rsync -rlHpEAogDz {scripts}/s1.sh sn2:{scripts}"),
    ];
    let positions: Vec<usize> = order.iter().map(|l| at(l)).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{all:#?}");
    // nimsim saw the same on each SN, and sn2's file system grew.
    assert!(net
        .sim_calls("sn2")
        .contains(&format!("0\tchfs -a size=+{}M {tmp}", need - 5)));
    let df = net.sim("sn2", "/usr/bin/df", &["-m", &scripts]);
    assert!(
        df.lines().nth(1).unwrap().split_whitespace().nth(2) == Some(&format!("{}.00", need)[..]),
        "{df}"
    );
}

#[test]
fn copy_failures() {
    let net = Net::new(&["sn1", "sn2"]);
    let (imgs, res) = copy_setup(&net);
    // An SN that does not answer: its resources cannot be listed.
    net.down.lock().unwrap().push("sn2".into());
    let (ok, out) = copy(&net, &imgs, &res, &["sn1", "sn2"], false);
    assert!(!ok);
    let post = net.path("install/postscripts");
    assert_eq!(
        out.stderr,
        "Error: Could not get NIM resource definitions from sn2.\n"
    );
    net.down.lock().unwrap().clear();

    // df failing on sn1.
    net.clear();
    net.helper("sn1", &["fault", "df", "fail"]);
    let (ok, out) = copy(&net, &imgs, &res, &["sn1"], false);
    assert!(!ok);
    let spot_dir = net.path(&format!("install/nim/spot/{SPOT}"));
    assert_eq!(
        out.stderr,
        format!("Error: Could not run: '/usr/bin/df -m {spot_dir}' on sn1.\n\nError: Could not copy NIM resources to the service nodes.\n")
    );
    assert!(
        !net.calls_on(&Target::Local)
            .iter()
            .any(|l| l.contains("-rlHpEAogDz")),
        "nothing copied"
    );

    // chfs refused on sn1 (the file system cannot grow).
    net.clear();
    let tmp = net.dir.path().display().to_string();
    net.helper("sn1", &["fs", &tmp, "100", "5", "/dev/lvtest"]);
    net.helper("sn1", &["fault", "chfs", "fail"]);
    let (ok, out) = copy(&net, &imgs, &res, &["sn1"], false);
    assert!(!ok);
    assert!(
        out.stderr
            .starts_with("Error: Could not run: '/usr/sbin/chfs -a size=+"),
        "{}",
        out.stderr
    );

    // The copy itself failing (rsync to sn2).
    net.clear();
    net.helper("sn1", &["fs", &tmp, "100000", "90000", "/dev/lvtest"]);
    std::fs::write(net.dir.path().join("rsync.fail"), "sn2:\n").unwrap();
    let (ok, out) = copy(&net, &imgs, &res, &["sn1", "sn2"], false);
    assert!(!ok);
    assert_eq!(
        out.stderr,
        "Error: Could not copy /etc/hosts to service nodes.\n\nError: Could not copy ".to_string()
            + &post
            + " to service nodes.\n\nError: Could not copy NIM resource s1 to service nodes.\n\nError: Could not copy NIM resources to the service nodes.\n"
    );
    // Only this host: nothing to do, no command.
    net.clear();
    let (ok, _) = copy(&net, &imgs, &res, &["mn"], false);
    assert!(ok);
    assert!(net.calls().is_empty());
}

// ---- dolitesetup ----

fn rows(env: &Env, table: &str, cols: &[&str], rows: &[&[&str]]) {
    for r in rows {
        let values: Vec<Option<&str>> = r.iter().map(|v| Some(*v)).collect();
        env.db.write(|c| c.insert(table, cols, &values)).unwrap();
    }
}

fn lite_db(env: &Env, with_files: bool) {
    rows(
        env,
        "nodelist",
        &["node", "groups"],
        &[
            &["cn01", "compute,all"],
            &["cn02", "compute,all"],
            &["cn03", "other,all"],
        ],
    );
    rows(
        env,
        "nodetype",
        &["node", "provmethod"],
        &[&["cn03", "otherimg"]],
    );
    rows(
        env,
        "statelite",
        &["node", "image", "statemnt", "mntopts"],
        &[&["compute", "", "198.18.0.10:/nodedata/$node", "soft"]],
    );
    if with_files {
        rows(
            env,
            "litefile",
            &["image", "file", "options"],
            &[
                &["ALL", "/etc/FScfg", ""],
                &["71dskls", "/var/adm/ras/", "persistent"],
                &["71dskls", "/etc/basecust", "persistent"],
                &["otherimg", "/home/", "tmpfs"],
            ],
        );
        rows(
            env,
            "litetree",
            &["priority", "image", "directory", "mntopts"],
            &[
                &["2", "ALL", "/litetree", ""],
                &["1.5", "71dskls", "198.18.0.10:/statelite/$node", "soft"],
            ],
        );
    }
}

fn lite(net: &Net, env: &Env, loc: &str, verbose: bool) -> (LiteOutcome, Out) {
    let cfg = net.cfg();
    let p = prime_on(net, &cfg, Target::Local);
    let image = image();
    let nodes = ["cn01".to_string(), "cn02".to_string()];
    let req = LiteRequest {
        image: &image,
        nodes: &nodes,
        spot_location: Some(loc),
        db: &env.db,
    };
    let mut docs: Vec<Response> = Vec::new();
    let done = {
        let mut reply = Reply::new(&mut docs, verbose);
        prime::dolitesetup(&p, &req, &mut reply).unwrap()
    };
    (done, output(docs))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn dolitesetup_writes_the_tables_into_the_spot_and_shared_root() {
    for env in backends() {
        lite_tables_into_spot(&env);
    }
}

/// On SQLite, and on PostgreSQL when `XCATD_TEST_PG_URL` is set.
fn lite_tables_into_spot(env: &Env) {
    let net = Net::new(&[]);
    let loc = spot_setup(&net);
    lite_db(env, true);
    let ir = format!("{loc}/lpp/bos/inst_root");
    std::fs::write(format!("{ir}/etc/FScfg"), "fs\n").unwrap();
    std::fs::create_dir_all(format!("{ir}/var/adm/ras")).unwrap();
    std::fs::write(format!("{ir}/var/adm/ras/errlog"), "log\n").unwrap();
    std::fs::write(format!("{ir}/litetree.table"), "stale\n").unwrap();
    let (done, out) = lite(&net, env, &loc, false);
    assert_eq!(done, LiteOutcome::Done, "{}", out.stderr);
    assert_eq!(
        read(&format!("{ir}/statelite.table")),
        "cn01|198.18.0.10|/nodedata/cn01|soft\ncn02|198.18.0.10|/nodedata/cn02|soft\n"
    );
    assert_eq!(
        read(&format!("{ir}/litefile.table")),
        "cn01|rw|/etc/FScfg\ncn01|persistent|/etc/basecust\ncn01|persistent|/var/adm/ras/\n\
         cn02|rw|/etc/FScfg\ncn02|persistent|/etc/basecust\ncn02|persistent|/var/adm/ras/\n\
         cn03|rw|/etc/FScfg\ncn03|tmpfs|/home/\n"
    );
    assert_eq!(
        read(&format!("{ir}/litetree.table")),
        "cn01|198.18.0.10|/statelite/cn01|soft\ncn01||/litetree|\ncn02|198.18.0.10|/statelite/cn02|soft\ncn02||/litetree|\ncn03||/litetree|\n"
    );
    // .default from the image: copies, empty files and directories.
    assert_eq!(read(&format!("{ir}/.default/etc/FScfg")), "fs\n");
    assert_eq!(read(&format!("{ir}/.default/var/adm/ras/errlog")), "log\n");
    assert_eq!(read(&format!("{ir}/.default/etc/basecust")), "");
    assert!(std::path::Path::new(&format!("{ir}/.default/home")).is_dir());
    assert!(std::path::Path::new(&format!("{ir}/.statelite")).is_dir());
    let setup = format!("{ir}/aixlitesetup");
    assert_eq!(
        std::fs::metadata(&setup).unwrap().permissions().mode() & 0o111,
        0o111
    );
    // The shared_root gets the same.
    let sr = net.path("install/nim/shared_root/71dskls_sr");
    for f in [
        "statelite.table",
        "litefile.table",
        "litetree.table",
        "aixlitesetup",
        ".default/etc/FScfg",
        ".default/var/adm/ras/errlog",
    ] {
        assert_eq!(
            read(&format!("{sr}/{f}")),
            read(&format!("{ir}/{f}")),
            "{f}"
        );
    }
    assert!(std::path::Path::new(&format!("{sr}/.statelite")).is_dir());
    // The nodes of the request now use the image; /var/adm/ras/ is warned about.
    let marked = env
        .db
        .read(|c| {
            c.select(
                "nodetype",
                &["node", "os", "profile", "provmethod"],
                &[],
                true,
            )
        })
        .unwrap();
    let marked: Vec<Vec<String>> = marked
        .into_iter()
        .map(|r| r.into_iter().map(Option::unwrap_or_default).collect())
        .collect();
    assert!(marked.contains(&vec![
        "cn01".into(),
        "AIX".into(),
        "71dskls".into(),
        "71dskls".into()
    ]));
    assert!(marked.contains(&vec![
        "cn03".into(),
        "".into(),
        "".into(),
        "otherimg".into()
    ]));
    assert!(
        out.stderr
            .starts_with("Warning: At least one node keeps /var/adm/ras/"),
        "{}",
        out.stderr
    );
    assert_eq!(out.exit, 0);
    assert_eq!(net.sim_calls("mn"), ["0\tlsnim -a location -Z 71dskls_sr"]);
}

#[test]
fn dolitesetup_without_litefile_or_litetree_data() {
    let net = Net::new(&[]);
    let loc = spot_setup(&net);
    let env = sqlite();
    lite_db(&env, false);
    let ir = format!("{loc}/lpp/bos/inst_root");
    let (done, out) = lite(&net, &env, &loc, true);
    assert_eq!(done, LiteOutcome::NoData);
    assert_eq!(out.stdout, "Please update statlite,litefile,litetree tables if you want to use AIX statelite support.\n\n");
    assert!(std::path::Path::new(&format!("{ir}/statelite.table")).exists());
    assert!(!std::path::Path::new(&format!("{ir}/litefile.table")).exists());
    assert!(!std::path::Path::new(&format!("{ir}/.default")).exists());
    // A relative litefile entry is refused.
    rows(
        &env,
        "litefile",
        &["image", "file", "options"],
        &[&["71dskls", "etc/relative", ""]],
    );
    let (done, out) = lite(&net, &env, &loc, false);
    assert_eq!(done, LiteOutcome::Failed);
    assert_eq!(
        out.stderr,
        "Error: The litefile entry 'etc/relative' is not an absolute path name.\n\n"
    );
    // An entry reaching outside the image is refused.
    env.db
        .write(|c| c.delete_where("litefile", &[("file", "etc/relative")]))
        .unwrap();
    rows(
        &env,
        "litefile",
        &["image", "file", "options"],
        &[&["71dskls", "/../../escape", ""]],
    );
    let (done, out) = lite(&net, &env, &loc, false);
    assert_eq!(done, LiteOutcome::Failed);
    assert_eq!(
        out.stderr,
        "Error: Invalid value '/../../escape' of attribute 'file' for 'litefile': not an absolute path.\n\n"
    );
    assert!(!std::path::Path::new(&format!("{loc}/lpp/bos/escape")).exists());
}

#[test]
fn update_spot_with_sns_runs_dolitesetup() {
    let net = Net::new(&[]);
    let loc = spot_setup(&net);
    let env = sqlite();
    lite_db(&env, true);
    let cfg = net.cfg();
    let p = prime_on(&net, &cfg, Target::Local);
    let image = image();
    let nodes = ["cn01".to_string()];
    let mut docs: Vec<Response> = Vec::new();
    let ok = {
        let mut reply = Reply::new(&mut docs, false);
        let req = SpotRequest {
            image: &image,
            nodes: &nodes,
            sharedinstall: "sns",
            nfsv4: true,
            db: &env.db,
        };
        prime::update_spot(&p, &req, &mut reply).unwrap()
    };
    assert!(ok, "{}", output(docs).stderr);
    let ir = format!("{loc}/lpp/bos/inst_root");
    assert!(read(&format!("{ir}/litefile.table")).starts_with("cn01|rw|/etc/FScfg\n"));
    let boot = read(&format!("{loc}/lib/boot/network/rc.dd_boot"));
    assert_eq!(boot, dd_boot::rewrite(RC_DD_BOOT, "mount -o vers=4"));
}

#[test]
fn copies_from_a_remote_nimprime() {
    let net = Net::new(&["sn1", "sn2"]);
    let (imgs, res) = copy_setup(&net);
    let np = Target::Host("nimprime".into());
    let (ok, out) = copy_from(&net, np.clone(), &imgs, &res, &["sn1"], false);
    assert!(ok, "{}", out.stderr);
    let spot_dir = net.path(&format!("install/nim/spot/{SPOT}"));
    let spots = net.path("install/nim/spot");
    let scripts = net.path("install/nim/scripts");
    let post = net.path("install/postscripts");
    // The size and the copies come from nimprime; hosts and postscripts from here.
    assert_eq!(
        net.calls_on(&np),
        [
            format!("/usr/bin/du -sm {spot_dir}"),
            format!("/usr/bin/rsync -rlHpEAogDz {spot_dir} sn1:{spots}"),
            format!("/usr/bin/du -sm {scripts}"),
            format!("/usr/bin/rsync -rlHpEAogDz {scripts}/s1.sh sn1:{scripts}"),
        ]
    );
    assert_eq!(
        net.calls_on(&Target::Local),
        [
            "/usr/bin/rsync -pt /etc/hosts sn1:/etc/hosts".to_string(),
            format!("/usr/bin/rsync -rlpt {post}/ sn1:{post}"),
        ]
    );
}
