//! Follow me: the facilitator's view is shared while they lead, and everyone else's wall
//! shows what they show (their centre at this screen's centre, at their zoom). Moving one's
//! own view stops following; one click follows again.

use super::view::{clamp_zoom, Camera};
use super::WallUi;
use leptos::prelude::*;
use stormwall_core::protocol::View;

/// The leader's view: the board point at the centre of their screen, and their zoom.
fn centre_of(cam: Camera, (w, h): (f64, f64)) -> View {
    View {
        x: cam.x + w / 2.0 / cam.zoom,
        y: cam.y + h / 2.0 / cam.zoom,
        zoom: cam.zoom,
    }
}

/// The camera that puts the leader's centre at the centre of a `w` × `h` wall.
fn camera_for(view: View, (w, h): (f64, f64)) -> Camera {
    let zoom = clamp_zoom(view.zoom);
    Camera {
        x: view.x - w / 2.0 / zoom,
        y: view.y - h / 2.0 / zoom,
        zoom,
    }
}

pub(super) fn effects(ui: WallUi) {
    let room = ui.client.room;
    // Leading: every change of this view goes out (the client throttles).
    Effect::new(move |_| {
        let cam = ui.camera.get();
        let size = ui.viewport_size.get();
        if room.leading.get() && size.0 > 0.0 {
            ui.client.lead(centre_of(cam, size));
        }
    });
    // Following: the camera this wall was last put at by the leader. Any other camera is the
    // user's own move, which stops following.
    let placed = StoredValue::new(None::<Camera>);
    Effect::new(move |_| {
        let leader = room.leader.get();
        let size = ui.viewport_size.get();
        if !room.following.get() || size.0 <= 0.0 {
            placed.set_value(None);
            return;
        }
        if let Some((_, view)) = leader {
            ui.set_camera(camera_for(view, size));
            placed.set_value(Some(ui.camera.get_untracked()));
        }
    });
    Effect::new(move |_| {
        let cam = ui.camera.get();
        if room.following.get_untracked() && placed.get_value().is_some_and(|p| p != cam) {
            room.following.set(false);
        }
    });
}

/// The pill that says whose view this wall follows, or offers to follow again.
#[component]
pub(super) fn FollowPill() -> impl IntoView {
    let ui = expect_context::<WallUi>();
    let room = ui.client.room;
    let leader_name = move || {
        let id = room.leader.with(|l| l.map(|(id, _)| id))?;
        ui.client.people.with(|p| {
            p.iter()
                .find(|p| p.id == id)
                .map(|p| p.name.clone())
                .or_else(|| Some("the facilitator".into()))
        })
    };
    view! {
        {move || {
            let name = leader_name()?;
            Some(if room.following.get() {
                view! {
                    <div class="following" role="status">
                        <span>{format!("Following {name}")}</span>
                        " · "
                        <button class="follow-stop" on:click=move |_| room.following.set(false)>
                            "Stop"
                        </button>
                    </div>
                }
                .into_any()
            } else {
                view! {
                    <button class="rejoin-follow" on:click=move |_| room.following.set(true)>
                        {format!("Follow {name}")}
                    </button>
                }
                .into_any()
            })
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_followed_view_puts_the_leaders_centre_at_this_centre_at_their_zoom() {
        let leader = Camera {
            x: -300.0,
            y: 120.0,
            zoom: 0.5,
        };
        let view = centre_of(leader, (1200.0, 800.0));
        assert_eq!((view.x, view.y, view.zoom), (900.0, 920.0, 0.5));
        let mine = camera_for(view, (800.0, 600.0));
        assert_eq!(centre_of(mine, (800.0, 600.0)), view);
    }
}
