"""Off-screen rendering of a :class:`StepScene` with Open3D's legacy Visualizer.

The legacy Visualizer (hidden GLFW window) is used because Open3D's Filament off-screen
renderer hangs on CPU-only machines.  It owns a GL context, so one renderer must be created,
used and closed on a single thread; calls from another thread raise instead of corrupting GL.
Per step the placed parts become one merged mesh and the moving parts another, so a frame is
two draw calls and one vertex upload however many fittings the step has.

The image size is capped before any GL work (``check_render_size``): at most ``MAX_RENDER_SIDE``
pixels a side and ``MAX_RENDER_PIXELS`` in all (3840x2160, 4K UHD). Memory grows with the
pixel count (about 100 bytes a pixel in Open3D's buffers and our copies): ``guide render`` peaked
at 0.5 GB for the whole process at 800x600 (the window's size), 1.3 GB at the 3840x2160 cap,
and an 8192x8192 render took 7.4 GB.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import TYPE_CHECKING

import numpy as np

from desktop_app.ar.scene import BACKGROUND, Camera, Frame, Role, StepScene
from desktop_app.core.errors import AppError, InvalidInput

if TYPE_CHECKING:
    import open3d as o3d

log = logging.getLogger(__name__)


class RendererUnavailable(AppError):
    """No display/GL context: the 3D view cannot run on this machine as configured."""

    code = "renderer_unavailable"


#: The largest render: each side at most this many pixels ...
MAX_RENDER_SIDE = 4096
#: ... and at most this many pixels in all (3840x2160).
MAX_RENDER_PIXELS = 3840 * 2160
MIN_RENDER_SIDE = 16


class RenderTooLarge(InvalidInput):
    """A render size outside the cap: refused before any memory is allocated."""

    code = "render_size"


def check_render_size(width: int, height: int) -> None:
    """Raise :class:`RenderTooLarge` unless ``width`` x ``height`` is within the caps."""
    ok_sides = MIN_RENDER_SIDE <= width <= MAX_RENDER_SIDE and MIN_RENDER_SIDE <= height <= MAX_RENDER_SIDE
    if not ok_sides or width * height > MAX_RENDER_PIXELS:
        raise RenderTooLarge(
            f"A render of {width}x{height} is outside the limit: each side {MIN_RENDER_SIDE} to {MAX_RENDER_SIDE} "
            f"pixels and at most {MAX_RENDER_PIXELS:,} pixels in all (3840x2160).",
            message_zh=f"渲染尺寸 {width}x{height} 超出限制：每边 {MIN_RENDER_SIDE} 到 {MAX_RENDER_SIDE} 像素，"
                       f"总像素不超过 {MAX_RENDER_PIXELS:,}（3840x2160）。")


class OffscreenRenderer:
    def __init__(self, width: int = 800, height: int = 600) -> None:
        check_render_size(int(width), int(height))
        import open3d as o3d

        self._o3d = o3d
        self._thread = threading.get_ident()
        self.width, self.height = int(width), int(height)
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            raise RendererUnavailable(
                "3D rendering needs an X display (run under xvfb-run on a headless machine).",
                message_zh="3D 渲染需要图形显示环境（无显示器时请使用 xvfb-run）。")
        self._vis = o3d.visualization.Visualizer()
        if not self._vis.create_window(window_name="assembly-guide", width=self.width,
                                       height=self.height, visible=False):
            raise RendererUnavailable("Could not create an OpenGL context for the 3D guide.",
                                      message_zh="无法创建 3D 指南所需的 OpenGL 环境。")
        self._configure_lights()
        self._scene: StepScene | None = None
        self._step = -1
        self._moving = None
        self._closed = False

    def _configure_lights(self) -> None:
        """Key, fill and top lights plus ambient; the defaults leave upward faces nearly black."""
        opt = self._vis.get_render_option()
        import json
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "render_option.json")
            opt.save_to_json(path)  # start from every field Open3D expects
            with open(path, encoding="utf-8") as fh:
                settings = json.load(fh)
            settings.update({"background_color": list(BACKGROUND), "light_on": True, "mesh_show_back_face": False,
                             "light_ambient_color": [0.28, 0.28, 0.28]})
        # positions are (right, up, towards-camera) multiples of the scene size
            for i, (pos, power) in enumerate((([1.0, 1.5, 2.0], 0.55), ([-1.6, 0.8, 1.2], 0.3),
                                              ([0.0, 2.5, -0.5], 0.3), ([0.0, -1.5, 1.0], 0.12))):
                settings.update({f"light{i}_position": pos, f"light{i}_diffuse_power": power,
                                 f"light{i}_specular_power": 0.08, f"light{i}_specular_shininess": 60.0})
            with open(path, "w", encoding="utf-8") as fh:
                json.dump(settings, fh)
            opt.load_from_json(path)  # returns None in 0.19; failures print to Open3D's log
        opt.background_color = np.asarray(BACKGROUND)
        opt.mesh_show_back_face = False  # closed meshes: culling saves ~10% of a frame

    def _check_thread(self) -> None:
        if threading.get_ident() != self._thread:
            raise RuntimeError("OffscreenRenderer used from a thread other than the one that created it")
        if self._closed:
            raise RuntimeError("OffscreenRenderer is closed")

    def set_scene(self, scene: StepScene) -> None:
        """Switch guides; geometry is uploaded lazily per step by :meth:`render`."""
        self._check_thread()
        self._vis.clear_geometries()
        self._scene = scene
        self._step = -1
        self._moving = None
        self._moving_ids: list[str] = []
        self._moving_base = np.zeros((0, 3))
        self._moving_counts = np.zeros(0, dtype=int)

    def _merged(self, ids: list[str], roles: dict[str, Role]) -> tuple[o3d.geometry.TriangleMesh, np.ndarray, np.ndarray]:
        """One mesh for many parts: two draw calls per frame instead of one per part."""
        o3d, scene = self._o3d, self._scene
        assert scene is not None
        verts = [scene.world_vertices[i] for i in ids]
        counts = np.array([len(v) for v in verts], dtype=int)
        mesh = o3d.geometry.TriangleMesh()
        all_v = np.concatenate(verts)
        mesh.vertices = o3d.utility.Vector3dVector(all_v)
        mesh.vertex_normals = o3d.utility.Vector3dVector(np.concatenate([scene.world_normals[i] for i in ids]))
        mesh.triangles = o3d.utility.Vector3iVector(np.arange(len(all_v), dtype=np.int32).reshape(-1, 3))
        # the legacy Phong path only lights meshes that also carry triangle normals
        mesh.triangle_normals = o3d.utility.Vector3dVector(np.concatenate([scene.world_normals[i][::3] for i in ids]))
        colors = np.repeat(np.array([scene.part_color(i, roles[i]) for i in ids]), counts, axis=0)
        mesh.vertex_colors = o3d.utility.Vector3dVector(colors)
        return mesh, all_v, counts

    def _enter_step(self, frame: Frame) -> None:
        roles = {pf.part_id: pf.role for pf in frame.parts}
        placed = [i for i, r in roles.items() if r is Role.PLACED]
        moving = [i for i, r in roles.items() if r in (Role.CURRENT, Role.FASTENER, Role.TOOL)]
        self._vis.clear_geometries()
        self._moving = None
        for ids, is_moving in ((moving, True), (placed, False)):
            if not ids:
                continue
            mesh, base, counts = self._merged(ids, roles)
            self._vis.add_geometry(mesh, reset_bounding_box=True)  # valid view bounds, else NaN camera
            if is_moving:
                self._moving, self._moving_base, self._moving_counts = mesh, base, counts
                self._moving_ids = ids
        self._step = frame.step
        self._offsets: tuple[tuple[float, float, float], ...] = ()

    def render(self, frame: Frame, camera: Camera) -> np.ndarray:
        """RGB uint8 image (height, width, 3) of ``frame`` seen from ``camera``."""
        self._check_thread()
        if self._scene is None:
            raise RuntimeError("set_scene() must be called before render()")
        if (camera.width, camera.height) != (self.width, self.height):
            raise ValueError(f"camera is {camera.width}x{camera.height}, renderer is {self.width}x{self.height}")
        if frame.step != self._step:
            self._enter_step(frame)
        if self._moving is not None:
            by_id = {pf.part_id: pf.offset for pf in frame.parts}
            offsets = tuple(by_id[i] for i in self._moving_ids)
            if offsets != self._offsets:
                per_vertex = np.repeat(np.asarray(offsets, dtype=float), self._moving_counts, axis=0)
                self._moving.vertices = self._o3d.utility.Vector3dVector(self._moving_base + per_vertex)
                self._vis.update_geometry(self._moving)
                self._offsets = offsets
        self._apply_camera(camera)
        buf = self._vis.capture_screen_float_buffer(do_render=True)
        return (np.asarray(buf) * 255.0 + 0.5).astype(np.uint8)

    def render_part(self, part_id: str, camera: Camera, color: tuple[float, float, float]) -> np.ndarray:
        """RGB image of one part alone in ``color`` (the inventory's pictures), same size as frames.

        The step's geometry is put back lazily: the next :meth:`render` re-enters its step.
        """
        self._check_thread()
        scene = self._scene
        if scene is None:
            raise RuntimeError("set_scene() must be called before render_part()")
        o3d = self._o3d
        verts = scene.world_vertices[part_id]
        mesh = o3d.geometry.TriangleMesh()
        mesh.vertices = o3d.utility.Vector3dVector(verts)
        mesh.vertex_normals = o3d.utility.Vector3dVector(scene.world_normals[part_id])
        mesh.triangles = o3d.utility.Vector3iVector(np.arange(len(verts), dtype=np.int32).reshape(-1, 3))
        mesh.triangle_normals = o3d.utility.Vector3dVector(scene.world_normals[part_id][::3])
        mesh.vertex_colors = o3d.utility.Vector3dVector(np.tile(np.asarray(color, dtype=float), (len(verts), 1)))
        self._vis.clear_geometries()
        self._moving = None
        self._step = -1  # the next frame uploads its step again
        self._vis.add_geometry(mesh, reset_bounding_box=True)
        self._apply_camera(camera)
        buf = self._vis.capture_screen_float_buffer(do_render=True)
        self._vis.clear_geometries()
        return (np.asarray(buf) * 255.0 + 0.5).astype(np.uint8)

    def _apply_camera(self, camera: Camera) -> None:
        o3d = self._o3d
        params = o3d.camera.PinholeCameraParameters()
        params.intrinsic = o3d.camera.PinholeCameraIntrinsic(
            self.width, self.height, camera.fx, camera.fy, self.width / 2 - 0.5, self.height / 2 - 0.5)
        params.extrinsic = camera.extrinsic
        ctr = self._vis.get_view_control()
        ctr.set_constant_z_near(0.01)
        ctr.set_constant_z_far(100.0)
        if not ctr.convert_from_pinhole_camera_parameters(params, allow_arbitrary=True):
            log.warning("Open3D refused the camera parameters; keeping the previous view")

    def close(self) -> None:
        if self._closed:
            return
        self._check_thread()
        self._vis.destroy_window()
        self._closed = True
        self._moving = None
        self._scene = None

    def __enter__(self) -> OffscreenRenderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
