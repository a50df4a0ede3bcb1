//! The nodes, osimages and nimprime resources of stock `prenimnodeset`
//! (xCAT-server/lib/xcat/plugins/aixinstall.pm:8449-8889): every node resolvable, defined
//! and on a network, each node's osimage, the NIM resource types and names
//! on nimprime, the osimages with `configdump=` written (one transaction)
//! and the `attr=val` overrides, the dump check, `xcataixscript` for
//! standalone images, then every image resource defined on nimprime with
//! its location and attributes.

use super::super::cmd::{Nim, Ran};
use super::super::mkdsklsnode::load::{self, World};
use super::super::model::{Image, Resources};
use super::super::validate;
use super::{xcataixscript, Args, Docs};
use crate::api::{Ctx, HandlerError};
use crate::objdefs::write;
use std::collections::{BTreeMap, BTreeSet};

/// Stock steps 5-8: every node resolvable, defined and on a network; each
/// node's osimage (a node without one is reported and left out).
pub fn node_images(
    ctx: &Ctx,
    osimage: Option<&str>,
    world: &World,
    docs: &mut Docs,
) -> Result<Option<BTreeMap<String, String>>, HandlerError> {
    let sname = &ctx.server.short_host;
    for n in &world.nodes {
        if let Err(e) = validate::host_name(&n.name, "node", &n.name) {
            docs.error(format!("{sname}: {e}\n"));
            return Ok(None);
        }
        if load::address(n).is_none() {
            docs.error(format!("{sname}: Could not resolve node {}.\n", n.name));
            return Ok(None);
        }
    }
    if world.nodes.is_empty() {
        docs.error("Could not get xCAT object definitions.\n");
        return Ok(None);
    }
    let on_a_net = world.nodes.iter().any(|n| {
        load::address(n).is_some_and(|ip| load::network_of(ip, &world.networks).is_some())
    });
    if !on_a_net {
        docs.error("Could not get xCAT network definitions for one or\n more nodes.\n");
        return Ok(None);
    }
    let mut osi = BTreeMap::new();
    for n in &world.nodes {
        match n.osimage(osimage) {
            Some(img) => {
                osi.insert(n.name.clone(), img);
            }
            None => docs.error(format!(
                "Could not determine an OS image name for node '{}'.\n",
                n.name
            )),
        }
    }
    Ok(Some(osi))
}

/// `attr=val` values for attributes the image has (stock: `configdump`).
pub fn apply_overrides(img: &mut Image, attrs: &BTreeMap<String, String>) {
    for (k, v) in attrs {
        if img.attrs.contains_key(k) {
            img.attrs.insert(k.clone(), v.clone());
        }
    }
}

/// The osimages by name and nimprime's facts about their resources.
pub type ImagesAndResources = (BTreeMap<String, Image>, Resources);

/// Stock steps 9-14: NIM types and names on nimprime, the osimages,
/// `configdump=`, overrides, `xcataixscript` (nimnodeset), and the resources' locations
/// and attributes.
pub fn images_and_resources(
    ctx: &Ctx,
    nim: &Nim,
    a: &Args,
    world: &World,
    osi: &BTreeMap<String, String>,
    docs: &mut Docs,
) -> Result<Option<ImagesAndResources>, HandlerError> {
    let Some(types) = first_words(nim.lsnim(&["-P", "-c", "resources"])) else {
        docs.error("Could not get NIM resource definitions.");
        return Ok(None);
    };
    let Some(names) = first_words(nim.lsnim(&[])) else {
        docs.error(format!("Could not get NIM resources on {}.", a.nimprime));
        return Ok(None);
    };
    let Some(mut images) = osimages(ctx, a.attrs, osi, docs)? else {
        return Ok(None);
    };
    let mut names: BTreeSet<String> = names.into_iter().collect();
    // Every standalone image gets the script (no short cut).
    let mut standalone = false;
    if a.standalone {
        for img in images.values_mut() {
            standalone |= xcataixscript::add_xcataixscript(img);
        }
    }
    if standalone {
        let installdir = &world.site.installdir;
        if !xcataixscript::ensure(nim, installdir, &mut names, docs) {
            return Ok(None);
        }
    }
    let types: BTreeSet<String> = types.into_iter().collect();
    let res = resources(nim, a.nimprime, &images, &types, &names, docs);
    Ok(res.map(|r| (images, r)))
}

/// The nodes' osimages (undefined ones left out), `configdump=` written
/// into them, the overrides applied, the dump check (aixinstall.pm:8570-8650).
fn osimages(
    ctx: &Ctx,
    attrs: &BTreeMap<String, String>,
    osi: &BTreeMap<String, String>,
    docs: &mut Docs,
) -> Result<Option<BTreeMap<String, Image>>, HandlerError> {
    let mut order: Vec<String> = Vec::new();
    for img in osi.values() {
        if !order.contains(img) {
            order.push(img.clone());
        }
    }
    let mut images = load::images(ctx, &order)?;
    images.retain(|_, i| !i.attrs.is_empty());
    if images.is_empty() {
        docs.error("Could not get xCAT osimage definitions.\n");
        return Ok(None);
    }
    if let Some(cd) = attrs.get("configdump") {
        if !write_configdump(ctx, &images, cd)? {
            docs.error("Could not update xCAT osimage definitions.\n");
            return Ok(None);
        }
        for img in images.values_mut() {
            img.attrs.insert("configdump".into(), cd.clone());
        }
    }
    for img in images.values_mut() {
        apply_overrides(img, attrs);
    }
    if attrs.contains_key("configdump") {
        let bad: Vec<&str> = images
            .values()
            .filter(|i| i.get("dump").is_none())
            .map(|i| i.name.as_str())
            .collect();
        if !bad.is_empty() {
            docs.error(format!("{}: No 'dump' resource is defined for the osimage '{}', but the attribute 'configdump' is specified. \n", ctx.server.short_host, bad.join(",")));
            return Ok(None);
        }
    }
    Ok(Some(images))
}

/// The names of a plain listing (`| cut -f1 -d' '`), `None` when it failed.
fn first_words(ran: Ran) -> Option<Vec<String>> {
    ran.ok()
        .then(|| crate::nim::parse::first_words(&ran.out.stdout))
}

/// `nimimage.configdump` of every image, in one transaction.
fn write_configdump(
    ctx: &Ctx,
    images: &BTreeMap<String, Image>,
    value: &str,
) -> Result<bool, HandlerError> {
    let reqs: Vec<write::WriteReq> = images
        .keys()
        .map(|name| write::WriteReq {
            name: name.clone(),
            type_name: "osimage".into(),
            attrs: [("configdump".to_string(), value.to_string())].into(),
        })
        .collect();
    Ok(load::write_objects(ctx, &reqs)?.is_ok())
}

/// Stock step 14: every resource an image names, defined on nimprime, with
/// its location (`lsnim -a location -Z`) and attributes (`lsnim -l`).
fn resources(
    nim: &Nim,
    nimprime: &str,
    images: &BTreeMap<String, Image>,
    types: &BTreeSet<String>,
    names: &BTreeSet<String>,
    docs: &mut Docs,
) -> Option<Resources> {
    let mut res = Resources::default();
    for img in images.values() {
        for (ty, name) in img.resources() {
            if !types.contains(ty) || res.locations.contains_key(&name) {
                continue;
            }
            if let Err(e) = validate::nim_name(&img.name, ty, &name) {
                docs.error(format!("{e}\n"));
                return None;
            }
            if !names.contains(&name) {
                docs.error(format!(
                    "NIM resource {name} is not defined on {nimprime}.\n"
                ));
                return None;
            }
            let loc = nim
                .attr_fields("location", &name)
                .ok()
                .and_then(|f| f.first().cloned())
                .unwrap_or_default();
            res.locations.insert(name.clone(), loc);
            if let Ok(Some(st)) = nim.stanza(&name) {
                res.attrs
                    .insert(name.clone(), st.attrs.into_iter().collect());
            }
        }
    }
    Some(res)
}
